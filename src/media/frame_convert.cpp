#include "media/frame_convert.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include <fmt/format.h>

extern "C" {
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

#include "core/enum_names.hpp"
#include "media/av_error.hpp"

namespace kizuna::media {
namespace {

enum class Family { yuv, rgb, gray };

Family family_of(const AVPixFmtDescriptor& desc) {
    if (desc.flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL)) return Family::rgb;
    if (desc.nb_components <= 2) return Family::gray;
    return Family::yuv;
}

// The non-deprecated format with the same layout as a yuvj* format (which is full range), or
// AV_PIX_FMT_NONE. swscale warns about yuvj* formats, so they are renamed before it sees them.
AVPixelFormat yuvj_layout(AVPixelFormat f) {
    switch (f) {
        case AV_PIX_FMT_YUVJ411P:
            return AV_PIX_FMT_YUV411P;
        case AV_PIX_FMT_YUVJ420P:
            return AV_PIX_FMT_YUV420P;
        case AV_PIX_FMT_YUVJ422P:
            return AV_PIX_FMT_YUV422P;
        case AV_PIX_FMT_YUVJ440P:
            return AV_PIX_FMT_YUV440P;
        case AV_PIX_FMT_YUVJ444P:
            return AV_PIX_FMT_YUV444P;
        default:
            return AV_PIX_FMT_NONE;
    }
}

// R, G, B of an image converted from gray as if full range, re-read as limited range:
// Y = (code - 16 k) / (219 k) with k = 2^(bits - 8), clamped to [0, 1]. Alpha is untouched.
void expand_limited_gray(Image& img, int bits) {
    const double k = std::ldexp(1.0, bits - 8);
    const double code_max = std::ldexp(1.0, bits) - 1.0;
    auto expand = [&](double full) {  // full-range value in [0, 1] -> limited-range value
        return std::clamp((full * code_max - 16.0 * k) / (219.0 * k), 0.0, 1.0);
    };
    const int w = img.width(), h = img.height();
    if (img.format() == PixelFormat::rgba8) {
        uint8_t lut[256];
        for (int v = 0; v < 256; ++v) {
            lut[v] = static_cast<uint8_t>(std::lround(255.0 * expand(v / 255.0)));
        }
        for (int y = 0; y < h; ++y) {
            uint8_t* p = img.view().row_as<uint8_t>(y);
            for (int x = 0; x < w; ++x) {
                for (int c = 0; c < 3; ++c) p[4 * x + c] = lut[p[4 * x + c]];
            }
        }
        return;
    }
    for (int y = 0; y < h; ++y) {
        float* p = img.view().row_as<float>(y);
        for (int x = 0; x < w; ++x) {
            for (int c = 0; c < 3; ++c) p[4 * x + c] = static_cast<float>(expand(p[4 * x + c]));
        }
    }
}

// The matrix swscale supports that the frame asks for, or the size-based default.
AVColorSpace resolve_matrix(AVColorSpace cs, int height) {
    switch (cs) {
        case AVCOL_SPC_BT709:
        case AVCOL_SPC_FCC:
        case AVCOL_SPC_BT470BG:
        case AVCOL_SPC_SMPTE170M:
        case AVCOL_SPC_SMPTE240M:
        case AVCOL_SPC_BT2020_NCL:
        case AVCOL_SPC_BT2020_CL:
            return cs;
        default:
            return untagged_video_matrix(height) == ColorMatrix::bt709 ? AVCOL_SPC_BT709
                                                                       : AVCOL_SPC_SMPTE170M;
    }
}

constexpr std::pair<AVColorSpace, ColorMatrix> kMatrices[] = {
    {AVCOL_SPC_RGB, ColorMatrix::rgb},
    {AVCOL_SPC_BT709, ColorMatrix::bt709},
    {AVCOL_SPC_BT470BG, ColorMatrix::bt470bg},
    {AVCOL_SPC_SMPTE170M, ColorMatrix::bt601},
    {AVCOL_SPC_BT2020_NCL, ColorMatrix::bt2020_ncl},
};
constexpr std::pair<AVColorTransferCharacteristic, ColorTransfer> kTransfers[] = {
    {AVCOL_TRC_BT709, ColorTransfer::bt709},       {AVCOL_TRC_SMPTE170M, ColorTransfer::bt709},
    {AVCOL_TRC_BT2020_10, ColorTransfer::bt709},   {AVCOL_TRC_BT2020_12, ColorTransfer::bt709},
    {AVCOL_TRC_IEC61966_2_1, ColorTransfer::srgb}, {AVCOL_TRC_LINEAR, ColorTransfer::linear},
    {AVCOL_TRC_SMPTE2084, ColorTransfer::pq},      {AVCOL_TRC_ARIB_STD_B67, ColorTransfer::hlg},
};
constexpr std::pair<AVColorPrimaries, ColorPrimaries> kPrimaries[] = {
    {AVCOL_PRI_BT709, ColorPrimaries::bt709},
    {AVCOL_PRI_BT470BG, ColorPrimaries::bt601_625},
    {AVCOL_PRI_SMPTE170M, ColorPrimaries::bt601_525},
    {AVCOL_PRI_BT2020, ColorPrimaries::bt2020},
};
constexpr std::pair<AVChromaLocation, ChromaLocation> kChromaLocations[] = {
    {AVCHROMA_LOC_LEFT, ChromaLocation::left},
    {AVCHROMA_LOC_CENTER, ChromaLocation::center},
    {AVCHROMA_LOC_TOPLEFT, ChromaLocation::top_left},
};

}  // namespace

ColorMatrix untagged_video_matrix(int height) noexcept {
    return height > 576 ? ColorMatrix::bt709 : ColorMatrix::bt601;
}

int max_component_depth(AVPixelFormat format) {
    const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(format);
    if (!desc) return 0;
    int depth = 0;
    for (int i = 0; i < desc->nb_components; ++i) depth = std::max(depth, desc->comp[i].depth);
    return depth;
}

ColorInfo color_info_from_av(AVColorSpace matrix, AVColorRange range,
                             AVColorTransferCharacteristic trc, AVColorPrimaries primaries,
                             AVChromaLocation chroma, bool still) {
    ColorInfo c;
    c.matrix = map_lookup(kMatrices, matrix, ColorMatrix::unspecified);
    c.range = range == AVCOL_RANGE_JPEG   ? ColorRange::full
              : range == AVCOL_RANGE_MPEG ? ColorRange::limited
                                          : ColorRange::unspecified;
    // Stills without a tag are sRGB pictures; video without one stays unspecified.
    c.transfer =
        map_lookup(kTransfers, trc, still ? ColorTransfer::srgb : ColorTransfer::unspecified);
    c.primaries = map_lookup(kPrimaries, primaries,
                             still ? ColorPrimaries::bt709 : ColorPrimaries::unspecified);
    c.chroma_location = map_lookup(kChromaLocations, chroma, ChromaLocation::unspecified);
    return c;
}

Result<void> FrameConverter::prepare(const Key& key, const std::filesystem::path& source) {
    if (sws_ && key == key_) return {};
    sws_.reset();
    key_ = {};
    const auto src_format = static_cast<AVPixelFormat>(key.format);
    const bool deep = max_component_depth(src_format) > 8;
    const AVPixelFormat dst_format = deep ? AV_PIX_FMT_RGBA64 : AV_PIX_FMT_RGBA;
    SwsContextPtr sws(sws_alloc_context());
    if (!sws) return make_error(Errc::out_of_memory, source.string() + ": out of memory");
    // Accurate rounding and full chroma interpolation; the image size does not change, so the
    // filter only matters for chroma upsampling.
    const int64_t flags = SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP;
    SwsContext* s = sws.get();
    int err = 0;
    auto set = [&](const char* name, int64_t v) {
        if (err >= 0) err = av_opt_set_int(s, name, v, 0);
    };
    set("srcw", key.width);
    set("srch", key.height);
    set("src_format", src_format);
    set("dstw", key.width);
    set("dsth", key.height);
    set("dst_format", dst_format);
    set("sws_flags", flags);
    set("src_range", key.full_range);
    set("dst_range", 1);
    int h_pos = 0;
    int v_pos = 0;
    if (avcodec_enum_to_chroma_pos(&h_pos, &v_pos, static_cast<AVChromaLocation>(key.chroma)) ==
        0) {
        set("src_h_chr_pos", h_pos);
        set("src_v_chr_pos", v_pos);
    }
    if (err < 0) return av_error(Errc::internal, source, "cannot configure swscale", err);
    err = sws_init_context(s, nullptr, nullptr);
    if (err < 0) {
        return av_error(Errc::unsupported, source,
                        fmt::format("cannot convert {} to RGBA", av_get_pix_fmt_name(src_format)),
                        err);
    }
    if (key.matrix >= 0) {
        // YUV source: its matrix and range in, full-range RGB out. Brightness 0, contrast and
        // saturation 1.0 in 16.16 fixed point.
        const int* coeffs = sws_getCoefficients(key.matrix);
        if (sws_setColorspaceDetails(s, coeffs, key.full_range, coeffs, 1, 0, 1 << 16, 1 << 16) <
            0) {
            return make_error(
                Errc::unsupported,
                fmt::format("{}: swscale cannot apply colour matrix {} to {}", source.string(),
                            av_color_space_name(static_cast<AVColorSpace>(key.matrix)),
                            av_get_pix_fmt_name(src_format)));
        }
    }
    if (deep && (scratch_.width() != key.width || scratch_.height() != key.height)) {
        // rgba16f has 8 bytes per pixel, the size of one RGBA64 pixel.
        auto scratch = Image::create(key.width, key.height, PixelFormat::rgba16f);
        if (!scratch) return std::move(scratch).error();
        scratch_ = std::move(*scratch);
    }
    sws_ = std::move(sws);
    key_ = key;
    return {};
}

Result<void> FrameConverter::convert(const AVFrame& frame, Image& out,
                                     const std::filesystem::path& source) {
    const auto format = static_cast<AVPixelFormat>(frame.format);
    const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(format);
    if (!desc || (desc->flags & AV_PIX_FMT_FLAG_HWACCEL)) {
        return make_error(Errc::unsupported,
                          fmt::format("{}: cannot convert pixel format {}", source.string(),
                                      desc ? desc->name : "none"));
    }
    const Family family = family_of(*desc);
    Key key;
    key.width = frame.width;
    key.height = frame.height;
    key.format = frame.format;
    key.chroma = frame.chroma_location;
    AVColorSpace matrix = AVCOL_SPC_RGB;
    if (family == Family::yuv) {
        matrix = resolve_matrix(frame.colorspace, frame.height);
        key.matrix = matrix;
        const AVPixelFormat same_layout = yuvj_layout(format);
        key.full_range = (frame.color_range == AVCOL_RANGE_JPEG || same_layout != AV_PIX_FMT_NONE);
        if (same_layout != AV_PIX_FMT_NONE) key.format = same_layout;
    } else {
        key.full_range = 1;  // RGB and palette are full range; gray is converted as full range
    }
    // Gray is luma alone: limited range when tagged so (video), full otherwise (stills).
    // swscale (FFmpeg 5.1) converts gray as full range whatever it is told, so a limited-range
    // gray frame goes through it as full range and its codes are expanded below.
    const bool limited_gray = family == Family::gray && frame.color_range == AVCOL_RANGE_MPEG;
    KZ_TRY(prepare(key, source));

    const bool deep = max_component_depth(format) > 8;
    const PixelFormat out_format = deep ? PixelFormat::rgba32f : PixelFormat::rgba8;
    ColorInfo color = color_info_from_av(
        matrix, key.full_range && !limited_gray ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG,
        frame.color_trc, frame.color_primaries, frame.chroma_location, still_);
    if (out.empty() || out.width() != frame.width || out.height() != frame.height ||
        out.format() != out_format) {
        auto img = Image::create(frame.width, frame.height, out_format);
        if (!img) return std::move(img).error();
        out = std::move(*img);
    }
    out.set_color(color);

    uint8_t* dst[4] = {};
    int dst_stride[4] = {};
    if (deep) {
        dst[0] = reinterpret_cast<uint8_t*>(scratch_.data());
        dst_stride[0] = static_cast<int>(scratch_.stride());
    } else {
        dst[0] = reinterpret_cast<uint8_t*>(out.data());
        dst_stride[0] = static_cast<int>(out.stride());
    }
    const int rows =
        sws_scale(sws_.get(), frame.data, frame.linesize, 0, frame.height, dst, dst_stride);
    if (rows < 0) return av_error(Errc::internal, source, "swscale failed", rows);
    if (rows != frame.height) {
        return make_error(Errc::internal, fmt::format("{}: swscale wrote {} of {} rows",
                                                      source.string(), rows, frame.height));
    }
    if (deep) {
        constexpr float scale = 1.0f / 65535.0f;
        for (int y = 0; y < frame.height; ++y) {
            const uint16_t* s = scratch_.view().row_as<const uint16_t>(y);
            float* d = out.view().row_as<float>(y);
            for (int i = 0; i < frame.width * 4; ++i) d[i] = static_cast<float>(s[i]) * scale;
        }
    }
    if (limited_gray) expand_limited_gray(out, max_component_depth(format));
    return {};
}

}  // namespace kizuna::media
