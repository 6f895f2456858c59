#include "media/decoding_stream.hpp"

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "kizuna/media.hpp"
#include "media/av_error.hpp"
#include "media/decoder.hpp"

namespace kizuna::media {

namespace {

// avformat_find_stream_info, with the decoders it opens given our picture size limit.
Result<void> find_stream_info(AVFormatContext* fmt, const std::filesystem::path& path) {
    std::vector<AVDictionary*> stream_opts(fmt->nb_streams, nullptr);
    for (AVDictionary*& d : stream_opts) {
        av_dict_set_int(&d, "max_pixels", ImageReadOptions::default_max_pixels, 0);
    }
    const int err =
        avformat_find_stream_info(fmt, stream_opts.empty() ? nullptr : stream_opts.data());
    for (AVDictionary*& d : stream_opts) av_dict_free(&d);
    if (err < 0) return av_error(path, "cannot read stream information", err);
    return {};
}

}  // namespace

Result<double> seek_time_base(double pts_s, AVRational time_base,
                              const std::filesystem::path& path) {
    if (!std::isfinite(pts_s)) {
        return make_error(Errc::invalid_argument, fmt::format("seek: {} is not a time", pts_s));
    }
    const double tb = av_q2d(time_base);
    if (!(tb > 0)) {
        return make_error(Errc::unsupported,
                          path.string() + ": cannot seek: the stream has no time base");
    }
    return tb;
}

Result<DecodingStream> open_decoding_stream(const std::filesystem::path& path,
                                            const DecodingStreamOptions& options) {
    DecodingStream s;
    auto input = MediaInput::open(path, MediaInput::Probe::name_and_content, "media");
    if (!input) return std::move(input).error();
    s.input = std::move(*input);
    AVFormatContext* fmt = s.input.get();
    KZ_TRY(find_stream_info(fmt, path));
    const AVMediaType type = options.audio ? AVMEDIA_TYPE_AUDIO : AVMEDIA_TYPE_VIDEO;
    s.stream = av_find_best_stream(fmt, type, -1, -1, nullptr, 0);
    if (s.stream < 0 && options.audio) {
        return make_error(Errc::not_found, path.string() + ": no audio stream");
    }
    if (s.stream < 0) {
        return make_error(Errc::unsupported, fmt::format("{}: no video stream in this {} file",
                                                         path.string(), fmt->iformat->name));
    }
    if (options.discard_others) {
        for (unsigned i = 0; i < fmt->nb_streams; ++i) {
            if (static_cast<int>(i) != s.stream) fmt->streams[i]->discard = AVDISCARD_ALL;
        }
    }
    auto dec =
        open_decoder(s.av_stream(), DecoderOptions{.threads = options.decoder_threads}, path);
    if (!dec) return std::move(dec).error();
    s.decoder = std::move(*dec);
    s.packet.reset(av_packet_alloc());
    s.frame.reset(av_frame_alloc());
    if (!s.packet || !s.frame) {
        return make_error(Errc::out_of_memory, path.string() + ": out of memory");
    }
    return s;
}

}  // namespace kizuna::media
