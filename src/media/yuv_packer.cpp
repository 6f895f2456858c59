#include "media/yuv_packer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

extern "C" {
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

#include "media/av_error.hpp"
#include "media/av_ptr.hpp"
#include "media/rgb8_to_yuv8.hpp"
#include "media/rgb_to_yuv.hpp"

namespace kizuna::media {

struct YuvPacker::Impl {
    int width = 0;
    int height = 0;
    AVPixelFormat format = AV_PIX_FMT_NONE;
    AVColorSpace matrix = AVCOL_SPC_BT709;
    bool full_range = false;
    AVChromaLocation chroma = AVCHROMA_LOC_UNSPECIFIED;
    SwsContextPtr from_rgba8;      // AV_PIX_FMT_RGBA input, for sitings our converters lack
    YuvPlanes exact;               // our converters' layout (pointers set per frame)
    bool exact_for_rgba8 = false;  // deeper than 8-bit output: swscale is not exact enough
    bool fast_for_rgba8 = false;   // limited-range 8-bit output sited as rgb8_to_yuv8 computes
    std::vector<float> scratch;    // rows of our converters

    Result<SwsContextPtr> make_context(AVPixelFormat src) const {
        SwsContextPtr sws(sws_alloc_context());
        if (!sws)
            return make_error(Errc::out_of_memory, "encoder colour conversion: out of memory");
        SwsContext* s = sws.get();
        int err = 0;
        auto set = [&](const char* name, int64_t v) {
            if (err >= 0) err = av_opt_set_int(s, name, v, 0);
        };
        set("srcw", width);
        set("srch", height);
        set("src_format", src);
        set("dstw", width);
        set("dsth", height);
        set("dst_format", format);
        // Chroma is computed at full resolution, then filtered down; accurate rounding.
        set("sws_flags", SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP);
        set("src_range", 1);
        set("dst_range", full_range ? 1 : 0);
        int h_pos = 0, v_pos = 0;
        if (avcodec_enum_to_chroma_pos(&h_pos, &v_pos, chroma) == 0) {
            set("dst_h_chr_pos", h_pos);
            set("dst_v_chr_pos", v_pos);
        }
        if (err < 0) return av_error(Errc::internal, "encoder", "cannot configure swscale", err);
        err = sws_init_context(s, nullptr, nullptr);
        if (err < 0) {
            return av_error(Errc::unsupported, "encoder",
                            fmt::format("cannot convert RGBA to {}", av_get_pix_fmt_name(format)),
                            err);
        }
        const int* coeffs = sws_getCoefficients(matrix);
        if (sws_setColorspaceDetails(s, coeffs, 1, coeffs, full_range ? 1 : 0, 0, 1 << 16,
                                     1 << 16) < 0) {
            return make_error(
                Errc::unsupported,
                fmt::format("encoder: swscale cannot apply colour matrix {} to {}",
                            av_color_space_name(matrix), av_get_pix_fmt_name(format)));
        }
        return sws;
    }
};

YuvPacker::YuvPacker() noexcept = default;
YuvPacker::YuvPacker(YuvPacker&&) noexcept = default;
YuvPacker& YuvPacker::operator=(YuvPacker&&) noexcept = default;
YuvPacker::~YuvPacker() = default;

Result<YuvPacker> YuvPacker::create(int width, int height, int av_pixel_format, int av_matrix,
                                    int av_range, int av_chroma_location) {
    auto impl = std::make_unique<Impl>();
    impl->width = width;
    impl->height = height;
    impl->format = static_cast<AVPixelFormat>(av_pixel_format);
    impl->matrix = static_cast<AVColorSpace>(av_matrix);
    impl->full_range = av_range == AVCOL_RANGE_JPEG;
    impl->chroma = static_cast<AVChromaLocation>(av_chroma_location);
    auto sws = impl->make_context(AV_PIX_FMT_RGBA);
    if (!sws) return std::move(sws).error();
    impl->from_rgba8 = std::move(*sws);
    const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(impl->format);
    if (!desc || desc->nb_components < 3 || (desc->flags & AV_PIX_FMT_FLAG_RGB) ||
        !(desc->flags & AV_PIX_FMT_FLAG_PLANAR) || desc->comp[0].depth > 16 ||
        (desc->comp[0].depth > 8 && (desc->flags & AV_PIX_FMT_FLAG_BE))) {
        return make_error(Errc::unsupported,
                          fmt::format("encoder: {} is not a planar Y'CbCr format kizuna writes",
                                      desc ? desc->name : "?"));
    }
    YuvPlanes& e = impl->exact;
    e.bits = desc->comp[0].depth;
    e.sub_x = 1 << desc->log2_chroma_w;
    e.sub_y = 1 << desc->log2_chroma_h;
    e.full_range = impl->full_range;
    switch (impl->matrix) {
        case AVCOL_SPC_BT709:
            e.kr = 0.2126, e.kb = 0.0722;
            break;
        case AVCOL_SPC_BT2020_NCL:
        case AVCOL_SPC_BT2020_CL:
            e.kr = 0.2627, e.kb = 0.0593;
            break;
        case AVCOL_SPC_SMPTE240M:
            e.kr = 0.212, e.kb = 0.087;
            break;
        case AVCOL_SPC_FCC:
            e.kr = 0.30, e.kb = 0.11;
            break;
        default:  // BT.601: bt470bg, smpte170m
            e.kr = 0.299, e.kb = 0.114;
            break;
    }
    impl->exact_for_rgba8 = e.bits > 8;
    // rgb8_to_yuv8 (and rgb_to_yuv) site subsampled chroma "left"; other sitings of 8-bit
    // output stay on swscale, which places chroma where the output says.
    impl->fast_for_rgba8 = e.bits == 8 && !e.full_range &&
                           (impl->chroma == AVCHROMA_LOC_LEFT || (e.sub_x == 1 && e.sub_y == 1));
    YuvPacker packer;
    packer.impl_ = std::move(impl);
    return packer;
}

Result<OwnedFrame> YuvPacker::make_frame() const {
    OwnedFrame frame(av_frame_alloc());
    if (!frame) return make_error(Errc::out_of_memory, "encoder frame: out of memory");
    frame->format = impl_->format;
    frame->width = impl_->width;
    frame->height = impl_->height;
    const int err = av_frame_get_buffer(frame.get(), 0);
    if (err < 0) return av_error(Errc::out_of_memory, "encoder frame", "cannot allocate", err);
    return frame;
}

Result<void> YuvPacker::pack(ConstImageView rgba, AVFrame& frame) {
    Impl& s = *impl_;
    if (rgba.width != s.width || rgba.height != s.height) {
        return make_error(Errc::internal, fmt::format("encoder: a {}x{} picture for a {}x{} stream",
                                                      rgba.width, rgba.height, s.width, s.height));
    }
    int err = av_frame_make_writable(&frame);
    if (err < 0) return av_error(Errc::out_of_memory, "encoder frame", "cannot allocate", err);
    if (rgba.format != PixelFormat::rgba8 || s.exact_for_rgba8 || s.fast_for_rgba8) {
        YuvPlanes planes = s.exact;
        for (int i = 0; i < 3; ++i) {
            planes.data[i] = frame.data[i];
            planes.stride[i] = frame.linesize[i];
        }
        if (rgba.format == PixelFormat::rgba8 && s.fast_for_rgba8) {  // limited range, 8-bit
            rgb8_to_yuv8(rgba, planes, s.scratch);
        } else {
            rgb_to_yuv(rgba, planes, s.scratch);
        }
        return {};
    }
    const uint8_t* src[4] = {reinterpret_cast<const uint8_t*>(rgba.data)};
    const int src_stride[4] = {static_cast<int>(rgba.stride)};
    SwsContext* sws = s.from_rgba8.get();
    const int rows = sws_scale(sws, src, src_stride, 0, s.height, frame.data, frame.linesize);
    if (rows < 0) return av_error(Errc::internal, "encoder", "swscale failed", rows);
    return {};
}

}  // namespace kizuna::media
