#include "media/output_verify.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "media/av_error.hpp"
#include "media/av_ptr.hpp"

namespace kizuna::media {

Result<void> verify_output(const std::filesystem::path& file, const std::filesystem::path& shown,
                           const VerifyExpectation& expect) {
    const auto fail = [&](const std::string& what) {
        return make_error(Errc::corrupt_data,
                          fmt::format("{}: verification failed: {}", shown.string(), what));
    };
    AVFormatContext* raw = nullptr;
    const std::string url = "file:" + file.string();
    int err = avformat_open_input(&raw, url.c_str(), nullptr, nullptr);
    if (err < 0) return av_error(shown, "verification: cannot reopen the output", err);
    AvInputPtr in(raw);
    const int n = static_cast<int>(in->nb_streams);
    std::vector<int64_t> packets(n, 0);
    double start = std::numeric_limits<double>::infinity();
    double end = -std::numeric_limits<double>::infinity();
    AvPacketPtr pkt(av_packet_alloc());
    if (!pkt) return make_error(Errc::out_of_memory, shown.string() + ": out of memory");
    while ((err = av_read_frame(in.get(), pkt.get())) >= 0) {
        const int s = pkt->stream_index;
        if (s >= 0 && s < n) {
            ++packets[s];
            if (s == expect.video_stream && pkt->pts != AV_NOPTS_VALUE) {
                const double tb = av_q2d(in->streams[s]->time_base);
                const double pts = static_cast<double>(pkt->pts) * tb;
                start = std::min(start, pts);
                end = std::max(end,
                               pts + static_cast<double>(std::max<int64_t>(pkt->duration, 0)) * tb);
            }
        }
        av_packet_unref(pkt.get());
    }
    if (err != AVERROR_EOF)
        return av_error(shown, "verification: cannot read the output back", err);
    if (expect.video_stream < 0 || expect.video_stream >= n)
        return fail("the video stream is missing");
    const int64_t frames = packets[expect.video_stream];
    if (frames != expect.video_frames) {
        return fail(fmt::format("{} video frames in the output, {} decoded from the input", frames,
                                expect.video_frames));
    }
    const double tolerance = expect.frame_s + 1e-3;
    if (frames > 0 && (std::abs(start - expect.video_start_s) > tolerance ||
                       std::abs(end - expect.video_end_s) > tolerance)) {
        return fail(
            fmt::format("the video spans {:.3f} to {:.3f} s, the input's {:.3f} to {:.3f} s", start,
                        end, expect.video_start_s, expect.video_end_s));
    }
    for (const VerifyExpectation::Stream& s : expect.streams) {
        if (s.index < 0 || s.index >= n) return fail(s.description + " is missing");
        if (s.packets >= 0 && packets[s.index] != s.packets) {
            return fail(fmt::format("{} has {} packets, the input {}", s.description,
                                    packets[s.index], s.packets));
        }
        const int size = in->streams[s.index]->codecpar->extradata_size;
        if (s.extradata_bytes >= 0 && size != s.extradata_bytes) {
            return fail(fmt::format("{} holds {} bytes, the input {}", s.description, size,
                                    s.extradata_bytes));
        }
    }
    return {};
}

}  // namespace kizuna::media
