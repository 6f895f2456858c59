// VideoReader: demux + decode the best video stream, frames converted to RGBA.
#include <vector>

#include <fmt/format.h>

#include "kizuna/media.hpp"
#include "media/av_error.hpp"
#include "media/decoding_stream.hpp"
#include "media/video_info.hpp"
#include "media/video_reader_impl.hpp"

namespace kizuna {

namespace fs = std::filesystem;
using namespace media;

int64_t VideoReader::Impl::frame_pts() const {
    const int64_t pts = frame->best_effort_timestamp;
    if (pts != AV_NOPTS_VALUE) return pts;
    if (last_pts != AV_NOPTS_VALUE && frame->pkt_duration > 0) {
        return last_pts + frame->pkt_duration;
    }
    if (frame_rate.num > 0 && time_base.num > 0) {
        return av_rescale_q(next_index, av_inv_q(frame_rate), time_base);
    }
    return next_index;
}

Result<bool> VideoReader::Impl::decode_next(int64_t& pts) {
    AVCodecContext* dec = decoder.get();
    while (!finished) {
        int err = avcodec_receive_frame(dec, frame.get());
        if (err == 0) {
            pts = frame_pts();
            last_pts = pts;
            return true;
        }
        if (err == AVERROR_EOF || (err == AVERROR(EAGAIN) && draining)) {
            finished = true;
            break;
        }
        const auto decode_error = [&](int e) {
            return av_error(Errc::corrupt_data, path,
                            fmt::format("cannot decode {} frame {}", dec->codec->name, next_index),
                            e);
        };
        if (err != AVERROR(EAGAIN)) return decode_error(err);
        err = av_read_frame(input.get(), packet.get());
        if (err == AVERROR_EOF) {
            draining = true;
            err = avcodec_send_packet(dec, nullptr);
            if (err < 0 && err != AVERROR_EOF) return decode_error(err);
            continue;
        }
        if (err < 0) return av_error(path, "cannot read", err);
        if (packet->stream_index == stream) err = avcodec_send_packet(dec, packet.get());
        av_packet_unref(packet.get());
        if (err < 0) return decode_error(err);
    }
    return false;
}

VideoReader::VideoReader() noexcept = default;
VideoReader::VideoReader(VideoReader&&) noexcept = default;
VideoReader& VideoReader::operator=(VideoReader&&) noexcept = default;
VideoReader::~VideoReader() = default;

const VideoInfo& VideoReader::info() const noexcept {
    static const VideoInfo empty;
    return impl_ ? impl_->info : empty;
}

Result<VideoReader> VideoReader::open(const fs::path& path) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    auto opened = open_decoding_stream(path, {.decoder_threads = 0});
    if (!opened) return std::move(opened).error();
    static_cast<media::DecodingStream&>(*impl) = std::move(*opened);
    AVFormatContext* fmt = impl->format();
    const AVStream& st = impl->av_stream();

    impl->time_base = st.time_base;
    impl->start_pts = st.start_time != AV_NOPTS_VALUE ? st.start_time : 0;
    impl->frame_rate = stream_frame_rate(st);
    impl->info = video_info_of(*fmt, st, *impl->decoder);
    VideoReader reader;
    reader.impl_ = std::move(impl);
    return reader;
}

Result<bool> VideoReader::read_frame(Image& out, VideoFrameInfo& frame_info) {
    if (!impl_) {
        return make_error(Errc::invalid_argument, "read_frame on a VideoReader that is not open");
    }
    Impl& s = *impl_;
    int64_t pts = 0;
    const AVFrame* picture = nullptr;
    if (!s.held.empty()) {
        av_frame_unref(s.frame.get());
        av_frame_move_ref(s.frame.get(), s.held.front().frame.get());
        pts = s.held.front().pts;
        s.held.pop_front();
        picture = s.frame.get();
    } else {
        auto got = s.decode_next(pts);
        if (!got) return std::move(got).error();
        if (!*got) return false;
        picture = s.frame.get();
    }
    Result<void> converted = s.converter.convert(*picture, out, s.path);
    av_frame_unref(s.frame.get());
    if (!converted) return std::move(converted).error();
    frame_info.pts = pts;
    frame_info.pts_s = static_cast<double>(pts) * av_q2d(s.time_base);
    frame_info.index = s.next_index++;
    return true;
}

}  // namespace kizuna
