#include "media/yuv_packer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

extern "C" {
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

#include "core/half.hpp"
#include "media/av_error.hpp"
#include "media/av_ptr.hpp"

namespace kizuna::media {

struct YuvPacker::Impl {
    int width = 0;
    int height = 0;
    AVPixelFormat format = AV_PIX_FMT_NONE;
    AVColorSpace matrix = AVCOL_SPC_BT709;
    bool full_range = false;
    AVChromaLocation chroma = AVCHROMA_LOC_UNSPECIFIED;
    SwsContextPtr from_rgba8;   // AV_PIX_FMT_RGBA input
    SwsContextPtr from_rgba64;  // AV_PIX_FMT_RGBA64 (native endian) input, for float pictures
    Image scratch;              // RGBA64 rows of a float picture (storage only: rgba16f is 8 B/px)

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
    const uint8_t* src[4] = {};
    int src_stride[4] = {};
    SwsContext* sws = nullptr;
    if (rgba.format == PixelFormat::rgba8) {
        src[0] = reinterpret_cast<const uint8_t*>(rgba.data);
        src_stride[0] = static_cast<int>(rgba.stride);
        sws = s.from_rgba8.get();
    } else {
        if (!s.from_rgba64) {
            auto ctx = s.make_context(AV_PIX_FMT_RGBA64);
            if (!ctx) return std::move(ctx).error();
            s.from_rgba64 = std::move(*ctx);
        }
        if (s.scratch.empty()) {
            auto img = Image::create(s.width, s.height, PixelFormat::rgba16f);
            if (!img) return std::move(img).error();
            s.scratch = std::move(*img);
        }
        // [0, 1] -> 16-bit codes, rounded; NaN -> 0.
        const auto code = [](float v) -> uint16_t {
            if (!(v > 0.0f)) return 0;
            if (v >= 1.0f) return 65535;
            return static_cast<uint16_t>(v * 65535.0f + 0.5f);
        };
        for (int y = 0; y < s.height; ++y) {
            uint16_t* d = s.scratch.view().row_as<uint16_t>(y);
            if (rgba.format == PixelFormat::rgba32f) {
                const float* p = rgba.row_as<const float>(y);
                for (int i = 0; i < 4 * s.width; ++i) d[i] = code(p[i]);
            } else {
                const uint16_t* p = rgba.row_as<const uint16_t>(y);
                for (int i = 0; i < 4 * s.width; ++i) d[i] = code(half_to_float(p[i]));
            }
        }
        src[0] = reinterpret_cast<const uint8_t*>(s.scratch.data());
        src_stride[0] = static_cast<int>(s.scratch.stride());
        sws = s.from_rgba64.get();
    }
    const int rows = sws_scale(sws, src, src_stride, 0, s.height, frame.data, frame.linesize);
    if (rows < 0) return av_error(Errc::internal, "encoder", "swscale failed", rows);
    return {};
}

}  // namespace kizuna::media
