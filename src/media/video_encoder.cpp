#include "media/video_encoder.hpp"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

extern "C" {
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

#include "core/encoder_presets.hpp"
#include "media/av_error.hpp"
#include "media/ffmpeg_log_capture.hpp"

namespace kizuna::media {

namespace {

Error invalid(std::string message) {
    return make_error(Errc::invalid_argument, std::move(message));
}

// Splits "key=value"; false when there is no '=' or the key is empty.
bool split_option(const std::string& text, std::string& key, std::string& value) {
    const size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0) return false;
    key = text.substr(0, eq);
    value = text.substr(eq + 1);
    return true;
}

// Owner of an AVDictionary.
struct Dict {
    AVDictionary* d = nullptr;
    Dict() = default;
    Dict(const Dict&) = delete;
    Dict& operator=(const Dict&) = delete;
    ~Dict() { av_dict_free(&d); }
    void set(const std::string& k, const std::string& v) {
        av_dict_set(&d, k.c_str(), v.c_str(), 0);
    }
};

}  // namespace

std::string describe_video_encoder(const VideoEncoderSettings& s) {
    std::string rate;
    if (core::encoder_is_lossless(s.codec)) {
        rate = "lossless";
    } else if (s.bitrate > 0) {
        rate = fmt::format("{} kbit/s", s.bitrate / 1000);
    } else {
        rate = fmt::format("crf {}", s.crf);
    }
    std::string text = fmt::format("{} ({}", s.codec, rate);
    if (!core::encoder_is_lossless(s.codec)) text += ", preset " + s.preset;
    for (const std::string& o : s.options) text += ", " + o;
    return text + "), " + s.pixel_format;
}

Result<void> check_video_encoder(const VideoEncoderSettings& s, int width, int height,
                                 const std::filesystem::path& shown) {
    const AVCodec* codec = avcodec_find_encoder_by_name(s.codec.c_str());
    if (!codec) {
        return make_error(
            Errc::unsupported,
            fmt::format("{}: the {} encoder is not in this FFmpeg build", shown.string(), s.codec));
    }
    KZ_TRY(core::encoder_preset_options(s.codec, s.preset));
    const int max_crf = core::encoder_max_crf(s.codec);
    if (s.crf < 0 || s.crf > max_crf) {
        return invalid(
            fmt::format("output.crf: {} is outside [0, {}] for {}", s.crf, max_crf, s.codec));
    }
    if (s.bitrate < 0) return invalid(fmt::format("--bitrate: {} is negative", s.bitrate));
    if (s.bitrate > 0 && core::encoder_is_lossless(s.codec)) {
        return invalid(fmt::format("--bitrate: {} is lossless and takes no bit rate", s.codec));
    }
    const AVPixelFormat pix = av_get_pix_fmt(s.pixel_format.c_str());
    bool supported = false;
    for (const AVPixelFormat* p = codec->pix_fmts; p && *p != AV_PIX_FMT_NONE; ++p) {
        supported = supported || *p == pix;
    }
    if (pix == AV_PIX_FMT_NONE || !supported) {
        return invalid(
            fmt::format("output.pixel_format: {} does not encode {}", s.codec, s.pixel_format));
    }
    const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(pix);
    const bool odd_w = (width & ((1 << desc->log2_chroma_w) - 1)) != 0;
    const bool odd_h = (height & ((1 << desc->log2_chroma_h) - 1)) != 0;
    if (odd_w || odd_h) {
        return invalid(
            fmt::format("{}: {} needs an even {} but the output is {}x{}; choose "
                        "another --size or --scale, or a 4:4:4 output.pixel_format",
                        shown.string(), s.pixel_format,
                        odd_w && odd_h ? "width and height"
                        : odd_w        ? "width"
                                       : "height",
                        width, height));
    }
    for (const std::string& o : s.options) {
        std::string k, v;
        if (!split_option(o, k, v)) {
            return invalid(fmt::format("--encoder-opt: \"{}\" is not KEY=VALUE", o));
        }
    }
    return {};
}

Result<AvCodecContextPtr> open_video_encoder(const VideoEncoderSettings& s,
                                             const VideoEncoderStream& st,
                                             const std::filesystem::path& shown) {
    KZ_TRY(check_video_encoder(s, st.width, st.height, shown));
    const AVCodec* codec = avcodec_find_encoder_by_name(s.codec.c_str());
    AvCodecContextPtr enc(avcodec_alloc_context3(codec));
    if (!enc) return make_error(Errc::out_of_memory, shown.string() + ": out of memory");
    enc->width = st.width;
    enc->height = st.height;
    enc->pix_fmt = av_get_pix_fmt(s.pixel_format.c_str());
    enc->time_base = st.time_base;
    if (st.frame_rate.num > 0) enc->framerate = st.frame_rate;
    enc->sample_aspect_ratio = st.sample_aspect;
    enc->color_range = st.color.range;
    enc->colorspace = st.color.matrix;
    enc->color_primaries = st.color.primaries;
    enc->color_trc = st.color.transfer;
    enc->chroma_sample_location = st.color.chroma;
    enc->thread_count = s.threads;
    if (st.global_header) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

    Dict opts;
    auto presets = core::encoder_preset_options(s.codec, s.preset);
    if (!presets) return std::move(presets).error();
    for (const auto& [k, v] : *presets) opts.set(k, v);
    if (!core::encoder_is_lossless(s.codec)) {
        if (s.bitrate > 0) {
            enc->bit_rate = s.bitrate;
        } else {
            opts.set("crf", std::to_string(s.crf));
            // libvpx and libaom: constant quality needs a zero target bit rate.
            if (s.codec == "libvpx-vp9" || s.codec == "libaom-av1") enc->bit_rate = 0;
        }
    }
    // x265 and SVT-AV1 print to stderr themselves, not through av_log: errors only. (SVT-AV1
    // reads SVT_LOG when the encoder starts; a value the user set is kept.)
    if (s.codec == "libx265") opts.set("x265-params", "log-level=error");
    if (s.codec == "libsvtav1") ::setenv("SVT_LOG", "1", /*overwrite=*/0);
    if (s.codec == "libvpx-vp9" || s.codec == "libaom-av1") opts.set("row-mt", "1");
    if (s.codec == "ffv1") {
        opts.set("level", "3");
        opts.set("slicecrc", "1");
    }
    std::vector<std::string> user_keys;
    for (const std::string& o : s.options) {
        std::string k, v;
        split_option(o, k, v);
        opts.set(k, v);
        user_keys.push_back(k);
    }
    FfmpegLogCapture ffmpeg_reason;
    const int err = avcodec_open2(enc.get(), codec, &opts.d);
    if (err < 0) {
        return with_ffmpeg_reason(
            av_error(shown, fmt::format("cannot open the {} encoder", s.codec), err),
            ffmpeg_reason);
    }
    if (const AVDictionaryEntry* left = av_dict_get(opts.d, "", nullptr, AV_DICT_IGNORE_SUFFIX)) {
        const bool user =
            std::find(user_keys.begin(), user_keys.end(), left->key) != user_keys.end();
        return invalid(fmt::format(
            "{}{}: {} has no option \"{}\"", user ? "--encoder-opt " : shown.string() + ": option ",
            fmt::format("{}={}", left->key, left->value), s.codec, left->key));
    }
    return enc;
}

}  // namespace kizuna::media
