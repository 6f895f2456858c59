// read_image: the first picture of a still-image file as RGBA8 or RGBA32F.
#include <sys/stat.h>

#include <cstring>

#include <fmt/format.h>

#include "kizuna/media.hpp"
#include "media/av_error.hpp"
#include "media/decoder.hpp"
#include "media/ffmpeg_log_capture.hpp"
#include "media/frame_convert.hpp"
#include "media/media_input.hpp"

namespace kizuna {

namespace fs = std::filesystem;
using namespace media;

namespace {

// Decodes the first frame of `stream` into `frame`.
Result<void> decode_first_frame(AVFormatContext& fmt, int stream, AVCodecContext& dec,
                                AVFrame& frame, const fs::path& path) {
    AvPacketPtr pkt(av_packet_alloc());
    if (!pkt) return make_error(Errc::out_of_memory, path.string() + ": out of memory");
    const auto decode_error = [&](int err) {
        return av_error(Errc::corrupt_data, path,
                        fmt::format("cannot decode {} image", dec.codec->name), err);
    };
    bool flushing = false;
    for (;;) {
        int err = avcodec_receive_frame(&dec, &frame);
        if (err == 0) {
            if (frame.decode_error_flags || (frame.flags & AV_FRAME_FLAG_CORRUPT)) {
                return make_error(Errc::corrupt_data,
                                  fmt::format("{}: {} image data is damaged or truncated",
                                              path.string(), dec.codec->name));
            }
            return {};
        }
        if (err == AVERROR_EOF) {
            return make_error(Errc::corrupt_data,
                              fmt::format("{}: no picture could be decoded ({} data truncated?)",
                                          path.string(), dec.codec->name));
        }
        if (err != AVERROR(EAGAIN)) return decode_error(err);
        if (flushing) return decode_error(AVERROR_BUG);
        err = av_read_frame(&fmt, pkt.get());
        if (err == AVERROR_EOF) {
            flushing = true;
            err = avcodec_send_packet(&dec, nullptr);
            if (err < 0) return decode_error(err);
            continue;
        }
        if (err < 0) return av_error(path, "cannot read", err);
        if (pkt->stream_index == stream) err = avcodec_send_packet(&dec, pkt.get());
        av_packet_unref(pkt.get());
        if (err < 0) return decode_error(err);
    }
}

// True when the demuxer has another non-empty packet of `stream` after the first picture. An
// image pipe (png_pipe, jpeg_pipe, image2) holds one picture per file: bytes after it are
// trailing data, not a second frame.
bool has_more_frames(AVFormatContext& fmt, int stream) {
    const std::string_view demuxer = fmt.iformat->name;
    if (demuxer == "image2" || demuxer.ends_with("_pipe")) return false;
    AvPacketPtr pkt(av_packet_alloc());
    if (!pkt) return false;
    for (int i = 0; i < 64; ++i) {
        if (av_read_frame(&fmt, pkt.get()) < 0) return false;
        const bool ours = pkt->stream_index == stream && pkt->size > 0;
        av_packet_unref(pkt.get());
        if (ours) return true;
    }
    return false;
}

uint64_t file_bytes(const fs::path& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && st.st_size > 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

}  // namespace

Result<Image> read_image(const fs::path& path) {
    return read_image(path, ImageReadOptions{});
}

Result<Image> read_image(const fs::path& path, const ImageReadOptions& options,
                         ImageReadInfo* info) {
    if (options.max_pixels < 1 || options.max_pixels > INT32_MAX) {
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: max_pixels {} is outside [1, 2^31)", path.string(),
                                      options.max_pixels));
    }
    FfmpegLogCapture ffmpeg_reason;
    auto input = MediaInput::open(path, MediaInput::Probe::content, "image");
    if (!input) return with_ffmpeg_reason(std::move(input).error(), ffmpeg_reason);
    AVFormatContext* fmt = input->get();
    const int stream = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (stream < 0) {
        return make_error(Errc::unsupported, fmt::format("{}: no image in this {} file",
                                                         path.string(), fmt->iformat->name));
    }
    for (unsigned i = 0; i < fmt->nb_streams; ++i) {
        if (static_cast<int>(i) != stream) fmt->streams[i]->discard = AVDISCARD_ALL;
    }
    DecodeAdmission admission(options.admit, file_bytes(path));
    auto dec = open_decoder(*fmt->streams[stream],
                            DecoderOptions{.threads = 1,
                                           .strict = true,
                                           .max_pixels = options.max_pixels,
                                           .admission = &admission},
                            path);
    if (!dec) return with_ffmpeg_reason(std::move(dec).error(), ffmpeg_reason);
    AvFramePtr frame(av_frame_alloc());
    if (!frame) return make_error(Errc::out_of_memory, path.string() + ": out of memory");
    if (auto r = decode_first_frame(*fmt, stream, **dec, *frame, path); !r) {
        if (admission.refusal()) return *admission.refusal();
        return with_ffmpeg_reason(std::move(r).error(), ffmpeg_reason);
    }
    KZ_TRY(admission.admit_decoded(**dec, *frame));
    Image out;
    FrameConverter converter(/*still=*/true);
    KZ_TRY(converter.convert(*frame, out, path));
    if (info) {
        info->header = admission.header();
        info->more_frames = has_more_frames(*fmt, stream);
        const int64_t n = fmt->streams[stream]->nb_frames;
        info->frame_count = n > 1 ? n : 0;
    }
    return out;
}

}  // namespace kizuna
