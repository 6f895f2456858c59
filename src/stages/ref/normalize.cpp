#include "stages/normalize.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "core/half.hpp"
#include "stages/normalize_common.hpp"

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

namespace {

float clamp01(float v) {
    return v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;
}  // NaN -> 0

float decode_channel(ConstImageView in, int x, int y, int c) {
    switch (in.format) {
        case PixelFormat::rgba8:
            return static_cast<float>(in.row_as<const uint8_t>(y)[4 * x + c]) / 255.0f;
        case PixelFormat::rgba16f:
            return half_to_float(in.row_as<const uint16_t>(y)[4 * x + c]);
        case PixelFormat::rgba32f:
            return in.row_as<const float>(y)[4 * x + c];
    }
    return 0.0f;
}

float sample(const std::byte* plane, ptrdiff_t stride, int bit_depth, int x, int y) {
    const std::byte* row = plane + y * stride;
    if (bit_depth == 8) return static_cast<float>(reinterpret_cast<const uint8_t*>(row)[x]);
    uint16_t v;
    std::memcpy(&v, row + 2 * x, 2);
    return static_cast<float>(v & 0x3ffu);
}

// Bilinear chroma at luma (x, y), per the siting rule in normalize.hpp.
float chroma_at(const YuvView& in, const YuvDecode& d, const std::byte* plane, ptrdiff_t stride,
                int x, int y) {
    const int cw = in.chroma_width(), ch = in.chroma_height();
    const float cx = (static_cast<float>(x) - d.chroma_x) / static_cast<float>(d.sub_x);
    const float cy = (static_cast<float>(y) - d.chroma_y) / static_cast<float>(d.sub_y);
    const float fx0 = std::floor(cx), fy0 = std::floor(cy);
    const float ax = cx - fx0, ay = cy - fy0;
    const int x0 = std::clamp(static_cast<int>(fx0), 0, cw - 1);
    const int x1 = std::clamp(static_cast<int>(fx0) + 1, 0, cw - 1);
    const int y0 = std::clamp(static_cast<int>(fy0), 0, ch - 1);
    const int y1 = std::clamp(static_cast<int>(fy0) + 1, 0, ch - 1);
    const float top = sample(plane, stride, in.bit_depth, x0, y0) * (1.0f - ax) +
                      sample(plane, stride, in.bit_depth, x1, y0) * ax;
    const float bot = sample(plane, stride, in.bit_depth, x0, y1) * (1.0f - ax) +
                      sample(plane, stride, in.bit_depth, x1, y1) * ax;
    return top * (1.0f - ay) + bot * ay;
}

// Steps 3 and 4 of the rule, shared by both inputs.
void finish_ref(const NormalizeParams& params, TransferKind transfer, PlanarFrame& out) {
    if (params.denoise_strength > 0.0f) {
        const int w = out.width(), h = out.height();
        std::vector<float> src(static_cast<size_t>(w) * h * 3);
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                float* s = &src[(static_cast<size_t>(y) * w + x) * 3];
                s[0] = out.r.row(y)[x];
                s[1] = out.g.row(y)[x];
                s[2] = out.b.row(y)[x];
            }
        }
        const DenoiseWeights dw = denoise_weights(params);
        const int r = std::clamp(params.denoise_radius, 1, max_denoise_radius);
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                const float* c = &src[(static_cast<size_t>(y) * w + x) * 3];
                float sum_w = 0, sr = 0, sg = 0, sb = 0;
                for (int dy = -r; dy <= r; ++dy) {
                    const int yy = std::clamp(y + dy, 0, h - 1);
                    for (int dx = -r; dx <= r; ++dx) {
                        const int xx = std::clamp(x + dx, 0, w - 1);
                        const float* q = &src[(static_cast<size_t>(yy) * w + xx) * 3];
                        const float d0 = q[0] - c[0], d1 = q[1] - c[1], d2 = q[2] - c[2];
                        const float wgt = dw.spatial[(dy + r) * (2 * r + 1) + (dx + r)] *
                                          std::exp((d0 * d0 + d1 * d1 + d2 * d2) * dw.range_scale);
                        sum_w += wgt;
                        sr += wgt * q[0];
                        sg += wgt * q[1];
                        sb += wgt * q[2];
                    }
                }
                out.r.row(y)[x] = sr / sum_w;
                out.g.row(y)[x] = sg / sum_w;
                out.b.row(y)[x] = sb / sum_w;
            }
        }
    }
    if (params.linear_light) {
        for (Plane* p : {&out.r, &out.g, &out.b}) {
            for (int y = 0; y < p->height(); ++y) {
                float* row = p->row(y);
                for (int x = 0; x < p->width(); ++x) {
                    row[x] = transfer == TransferKind::srgb ? srgb_to_linear(row[x])
                                                            : bt709_to_linear(row[x]);
                }
            }
        }
    }
}

}  // namespace

DenoiseWeights denoise_weights(const NormalizeParams& params) noexcept {
    DenoiseWeights dw;
    const int r = std::clamp(params.denoise_radius, 1, max_denoise_radius);
    const float ss = static_cast<float>(r) * 0.5f;
    for (int dy = -r; dy <= r; ++dy) {
        for (int dx = -r; dx <= r; ++dx) {
            dw.spatial[(dy + r) * (2 * r + 1) + (dx + r)] =
                std::exp(-static_cast<float>(dx * dx + dy * dy) / (2.0f * ss * ss));
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

Result<void> normalize_ref(ConstImageView in, const NormalizeParams& params, PlanarFrame& out) {
    KZ_TRY(validate_rgba(in));
    bool has_alpha = false;
    for (int y = 0; y < in.height && !has_alpha; ++y) {
        for (int x = 0; x < in.width; ++x) {
            if (clamp01(decode_channel(in, x, y, 3)) < 1.0f) {
                has_alpha = true;
                break;
            }
        }
    }
    KZ_TRY(out.ensure(in.width, in.height, has_alpha));
    for (int y = 0; y < in.height; ++y) {
        for (int x = 0; x < in.width; ++x) {
            out.r.row(y)[x] = clamp01(decode_channel(in, x, y, 0));
            out.g.row(y)[x] = clamp01(decode_channel(in, x, y, 1));
            out.b.row(y)[x] = clamp01(decode_channel(in, x, y, 2));
            if (has_alpha) out.a.row(y)[x] = clamp01(decode_channel(in, x, y, 3));
        }
    }
    finish_ref(params, TransferKind::srgb, out);
    return {};
}

Result<void> normalize_yuv_ref(const YuvView& in, const NormalizeParams& params, PlanarFrame& out) {
    KZ_TRY(validate_yuv(in));
    KZ_TRY(out.ensure(in.width, in.height, false));
    const YuvDecode d = resolve_yuv_decode(in);
    for (int y = 0; y < in.height; ++y) {
        for (int x = 0; x < in.width; ++x) {
            const float yv = sample(in.y, in.y_stride, in.bit_depth, x, y);
            const float u = chroma_at(in, d, in.u, in.u_stride, x, y);
            const float v = chroma_at(in, d, in.v, in.v_stride, x, y);
            float r, g, b;
            if (d.gbr) {
                g = (yv - d.y_offset) * d.y_scale;
                b = (u - d.y_offset) * d.y_scale;
                r = (v - d.y_offset) * d.y_scale;
            } else {
                const float luma = (yv - d.y_offset) * d.y_scale;
                const float cb = (u - d.c_offset) * d.c_scale;
                const float cr = (v - d.c_offset) * d.c_scale;
                r = luma + d.cr_r * cr;
                g = luma + d.cb_g * cb + d.cr_g * cr;
                b = luma + d.cb_b * cb;
            }
            out.r.row(y)[x] = clamp01(r);
            out.g.row(y)[x] = clamp01(g);
            out.b.row(y)[x] = clamp01(b);
        }
    }
    finish_ref(params, d.transfer, out);
    return {};
}

}  // namespace kizuna::stages
