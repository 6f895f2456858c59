// Stage 1 reference: plain C++, pixel by pixel, exactly as normalize.hpp states it.
#include "stages/ref/normalize.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/half.hpp"
#include "stages/color.hpp"
#include "stages/normalize.hpp"

namespace kizuna::stages {

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
        const int r = dw.radius;
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
                    const float v = std::fmin(std::fmax(row[x], 0.0f), 1.0f);
                    row[x] = transfer == TransferKind::srgb ? color::srgb_to_linear(v)
                                                            : color::bt709_to_linear(v);
                }
            }
        }
    }
}

}  // namespace

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
            yuv_to_rgb(d, yv, u, v, r, g, b);
            out.r.row(y)[x] = clamp01(r);
            out.g.row(y)[x] = clamp01(g);
            out.b.row(y)[x] = clamp01(b);
        }
    }
    finish_ref(params, d.transfer, out);
    return {};
}

}  // namespace kizuna::stages
