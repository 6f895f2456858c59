// The parts of stage 1 every backend shares (normalize.hpp).
#include "stages/normalize.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace kizuna::stages {

YuvDecode resolve_yuv_decode(const YuvView& in) noexcept {
    YuvDecode d;
    const int n = in.bit_depth;
    const float unit = static_cast<float>(1 << (n - 8));
    const bool full = in.color.range == ColorRange::full;
    if (full) {
        d.y_offset = 0.0f;
        d.y_scale = 1.0f / static_cast<float>((1 << n) - 1);
        d.c_offset = static_cast<float>(1 << (n - 1));
        d.c_scale = d.y_scale;
    } else {
        d.y_offset = 16.0f * unit;
        d.y_scale = 1.0f / (219.0f * unit);
        d.c_offset = 128.0f * unit;
        d.c_scale = 1.0f / (224.0f * unit);
    }
    ColorMatrix m = in.color.matrix;
    if (m != ColorMatrix::rgb && m != ColorMatrix::bt709 && m != ColorMatrix::bt601 &&
        m != ColorMatrix::bt470bg && m != ColorMatrix::bt2020_ncl) {
        m = in.height > 576 ? ColorMatrix::bt709 : ColorMatrix::bt601;
    }
    if (m == ColorMatrix::rgb) {
        d.gbr = true;
    } else {
        float kr = 0.2126f, kb = 0.0722f;
        if (m == ColorMatrix::bt601 || m == ColorMatrix::bt470bg) {
            kr = 0.299f;
            kb = 0.114f;
        } else if (m == ColorMatrix::bt2020_ncl) {
            kr = 0.2627f;
            kb = 0.0593f;
        }
        const float kg = 1.0f - kr - kb;
        d.cr_r = 2.0f * (1.0f - kr);
        d.cb_b = 2.0f * (1.0f - kb);
        d.cb_g = -d.cb_b * kb / kg;
        d.cr_g = -d.cr_r * kr / kg;
    }
    d.sub_x = in.subsampling == ChromaSubsampling::s444 ? 1 : 2;
    d.sub_y = in.subsampling == ChromaSubsampling::s420 ? 2 : 1;
    const ChromaLocation loc = in.color.chroma_location;
    d.chroma_x = (d.sub_x == 2 && loc == ChromaLocation::center) ? 0.5f : 0.0f;
    d.chroma_y = (d.sub_y == 2 && loc != ChromaLocation::top_left) ? 0.5f : 0.0f;
    d.transfer = (in.color.transfer == ColorTransfer::bt709 ||
                  in.color.transfer == ColorTransfer::unspecified)
                     ? TransferKind::bt709
                     : TransferKind::srgb;
    return d;
}

Result<void> validate_yuv(const YuvView& in) {
    if (in.empty()) {
        return make_error(Errc::invalid_argument,
                          fmt::format("yuv: size {}x{} is empty", in.width, in.height));
    }
    if (in.bit_depth != 8 && in.bit_depth != 10) {
        return make_error(Errc::unsupported,
                          fmt::format("yuv: bit depth {} (only 8 and 10)", in.bit_depth));
    }
    if (!in.y || !in.u || !in.v) {
        return make_error(Errc::invalid_argument, "yuv: a plane pointer is null");
    }
    const ptrdiff_t bps = in.bit_depth > 8 ? 2 : 1;
    if (in.y_stride < in.width * bps) {
        return make_error(Errc::invalid_argument, fmt::format("yuv: y_stride {} < row size {}",
                                                              in.y_stride, in.width * bps));
    }
    const ptrdiff_t crow = in.chroma_width() * bps;
    if (in.u_stride < crow || in.v_stride < crow) {
        return make_error(Errc::invalid_argument,
                          fmt::format("yuv: u_stride {} / v_stride {} < chroma row size {}",
                                      in.u_stride, in.v_stride, crow));
    }
    return {};
}

DenoiseWeights denoise_weights(const NormalizeParams& params) noexcept {
    DenoiseWeights dw;
    const int r = std::clamp(params.denoise_radius, 1, max_denoise_radius);
    const float ss = static_cast<float>(r) * 0.5f;
    dw.radius = r;
    dw.spatial_den = 2.0f * ss * ss;
    for (int dy = -r; dy <= r; ++dy) {
        for (int dx = -r; dx <= r; ++dx) {
            dw.spatial[(dy + r) * (2 * r + 1) + (dx + r)] =
                std::exp(-static_cast<float>(dx * dx + dy * dy) / dw.spatial_den);
        }
    }
    const float sr = 0.1f * params.denoise_strength;
    dw.range_scale = -1.0f / (2.0f * sr * sr);
    return dw;
}

Result<void> validate_rgba(ConstImageView in) {
    if (in.empty() || !in.data) {
        return make_error(Errc::invalid_argument,
                          fmt::format("normalize: input size {}x{} is empty", in.width, in.height));
    }
    if (in.stride < static_cast<ptrdiff_t>(in.width * bytes_per_pixel(in.format))) {
        return make_error(Errc::invalid_argument,
                          fmt::format("normalize: stride {} < row size", in.stride));
    }
    return {};
}

}  // namespace kizuna::stages
