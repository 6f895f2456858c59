// read_image: the first picture of a still-image file as RGBA8 or RGBA32F.
#include <fmt/format.h>

#include "kizuna/media.hpp"
#include "media/av_error.hpp"
#include "media/decoder.hpp"
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

}  // namespace

Result<Image> read_image(const fs::path& path) {
    auto input = MediaInput::open(path, MediaInput::Probe::content, "image");
    if (!input) return std::move(input).error();
    AVFormatContext* fmt = input->get();
    const int stream = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (stream < 0) {
        return make_error(Errc::unsupported, fmt::format("{}: no image in this {} file",
                                                         path.string(), fmt->iformat->name));
    }
    for (unsigned i = 0; i < fmt->nb_streams; ++i) {
        if (static_cast<int>(i) != stream) fmt->streams[i]->discard = AVDISCARD_ALL;
    }
    auto dec =
        open_decoder(*fmt->streams[stream], DecoderOptions{.threads = 1, .strict = true}, path);
    if (!dec) return std::move(dec).error();
    AvFramePtr frame(av_frame_alloc());
    if (!frame) return make_error(Errc::out_of_memory, path.string() + ": out of memory");
    KZ_TRY(decode_first_frame(*fmt, stream, **dec, *frame, path));
    Image out;
    FrameConverter converter(/*still=*/true);
    KZ_TRY(converter.convert(*frame, out, path));
    return out;
}

}  // namespace kizuna
