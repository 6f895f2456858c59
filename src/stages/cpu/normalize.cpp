// Same rounding as the reference: no fused multiply-add contraction in any ISA variant.
#pragma GCC optimize("fp-contract=off")

#include "stages/cpu/normalize.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "core/half.hpp"
#include "stages/cpu/normalize_row.hpp"
#include "stages/cpu/simd.hpp"

namespace kizuna::stages {

namespace {

inline float clamp01(float v) {
    return v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;
}

// 2^n for integer n in [-126, 127].
inline float pow2i(int n) {
    return std::bit_cast<float>(static_cast<uint32_t>(n + 127) << 23);
}

// exp(x) for x <= 0 (relative error about 2e-7; 0 below -87).
inline float exp_neg(float x) {
    // max(x, -87) on the bit pattern: for x <= 0 a larger pattern is a more negative value.
    x = std::bit_cast<float>(std::min(std::bit_cast<uint32_t>(x), 0xC2AE0000u));
    // Round to nearest through the 1.5 * 2^23 trick (exact for |v| < 2^22, no libm call).
    const float n = (x * 1.44269504f + 12582912.0f) - 12582912.0f;
    const float r = (x - n * 0.693145752f) - n * 1.42860677e-6f;
    float p = 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    return p * pow2i(static_cast<int>(n));
}

// log2(x) for x > 0 normal (absolute error about 1e-7).
inline float log2_pos(float x) {
    const uint32_t bits = std::bit_cast<uint32_t>(x);
    const uint32_t mant = bits & 0x7fffffu;
    // Mantissa above sqrt(2): halve it (exponent 126 instead of 127) and count one more.
    const uint32_t high = mant > 0x3504f3u ? 1u : 0u;
    const int e = static_cast<int>((bits >> 23) & 0xffu) - 127 + static_cast<int>(high);
    const float m = std::bit_cast<float>(mant | ((127u - high) << 23));  // [0.707, 1.414)
    const float t = (m - 1.0f) / (m + 1.0f);                             // |t| < 0.172
    const float t2 = t * t;
    float p = 2.0f / 9.0f;
    p = p * t2 + 2.0f / 7.0f;
    p = p * t2 + 2.0f / 5.0f;
    p = p * t2 + 2.0f / 3.0f;
    p = p * t2 + 2.0f;
    return static_cast<float>(e) + p * t * 1.44269504f;
}

// x^y for x in (0, 1], moderate y.
inline float pow_pos(float x, float y) {
    return exp_neg(y * log2_pos(x) * 0.693147181f);
}

// The inverse transfers share the form v < knee ? v / slope : ((v + off) / (1 + off))^gamma.
struct TransferCurve {
    float knee, slope, off, scale, gamma;
};

TransferCurve transfer_curve(bool srgb) {
    // sRGB's test is v <= 0.04045: the next float up turns it into v < knee.
    if (srgb) return {std::nextafter(0.04045f, 1.0f), 12.92f, 0.055f, 1.055f, 2.4f};
    return {0.081f, 4.5f, 0.099f, 1.099f, 1.0f / 0.45f};
}

// v in [0, 1] (decode clamps; the bilateral filter averages).
KZ_SIMD_FUNCTION(void, linear_row, (float* __restrict row, int n, TransferCurve t), (row, n, t)) {
    for (int x = 0; x < n; ++x) {
        const float v = row[x];
        const float curve = pow_pos((v + t.off) / t.scale, t.gamma);
        const float lin = v / t.slope;
        row[x] = v < t.knee ? lin : curve;
    }
}

float decode_one(const std::byte* row, PixelFormat f, int i) {
    if (f == PixelFormat::rgba16f) {
        uint16_t h;
        std::memcpy(&h, row + 2 * i, 2);
        return clamp01(half_to_float(h));
    }
    float v;
    std::memcpy(&v, row + 4 * i, 4);
    return clamp01(v);
}

struct BilateralArgs {
    const float* rows[3][2 * max_denoise_radius + 1];  // padded rows y-r..y+r per channel
    const float* spatial;
    float range_scale;
    int r;
};

// Adds one tap (spatial weight ws, neighbour rows q*) to the sums of a row.
inline void bilateral_tap(const float* __restrict qr, const float* __restrict qg,
                          const float* __restrict qb, const float* __restrict cr,
                          const float* __restrict cg, const float* __restrict cb, float ws,
                          float rs, int w, float* __restrict sw, float* __restrict sr,
                          float* __restrict sg, float* __restrict sb) {
    for (int x = 0; x < w; ++x) {
        const float d0 = qr[x] - cr[x], d1 = qg[x] - cg[x], d2 = qb[x] - cb[x];
        const float wgt = ws * exp_neg((d0 * d0 + d1 * d1 + d2 * d2) * rs);
        sw[x] += wgt;
        sr[x] += wgt * qr[x];
        sg[x] += wgt * qg[x];
        sb[x] += wgt * qb[x];
    }
}

// One output row of the bilateral filter; channel c's centre of pixel x is rows[c][r][x + pad].
// acc: scratch of 4 * w floats.
KZ_SIMD_FUNCTION(void, bilateral_row,
                 (const BilateralArgs& a, int w, int pad, float* acc, float* __restrict out_r,
                  float* __restrict out_g, float* __restrict out_b),
                 (a, w, pad, acc, out_r, out_g, out_b)) {
    float* sw = acc;
    float* sr = acc + w;
    float* sg = acc + 2 * w;
    float* sb = acc + 3 * w;
    for (int x = 0; x < 4 * w; ++x) acc[x] = 0.0f;
    const int r = a.r;
    const float *cr = a.rows[0][r] + pad, *cg = a.rows[1][r] + pad, *cb = a.rows[2][r] + pad;
    for (int dy = -r; dy <= r; ++dy) {
        for (int dx = -r; dx <= r; ++dx) {
            bilateral_tap(a.rows[0][dy + r] + pad + dx, a.rows[1][dy + r] + pad + dx,
                          a.rows[2][dy + r] + pad + dx, cr, cg, cb,
                          a.spatial[(dy + r) * (2 * r + 1) + (dx + r)], a.range_scale, w, sw, sr,
                          sg, sb);
        }
    }
    for (int x = 0; x < w; ++x) {
        out_r[x] = sr[x] / sw[x];
        out_g[x] = sg[x] / sw[x];
        out_b[x] = sb[x] / sw[x];
    }
}

inline float yuv_sample(const std::byte* row, int bit_depth, int x) {
    if (bit_depth == 8) return static_cast<float>(reinterpret_cast<const uint8_t*>(row)[x]);
    uint16_t v;
    std::memcpy(&v, row + 2 * x, 2);
    return static_cast<float>(v & 0x3ffu);
}

struct YuvRowArgs {
    const float* y;        // luma codes
    const float *u0, *u1;  // chroma codes of the two chroma rows (vertical neighbours)
    const float *v0, *v1;
    const int *x0, *x1;  // chroma columns per luma column
    const float* ax;     // horizontal weights
    float ay;
    YuvDecode d;
};

KZ_SIMD_FUNCTION(void, yuv_row,
                 (const YuvRowArgs& a, int w, float* __restrict r, float* __restrict g,
                  float* __restrict b),
                 (a, w, r, g, b)) {
    const YuvDecode d = a.d;
    const float ay = a.ay;
    for (int x = 0; x < w; ++x) {
        const int i0 = a.x0[x], i1 = a.x1[x];
        const float ax = a.ax[x];
        const float ut = a.u0[i0] * (1.0f - ax) + a.u0[i1] * ax;
        const float ub = a.u1[i0] * (1.0f - ax) + a.u1[i1] * ax;
        const float vt = a.v0[i0] * (1.0f - ax) + a.v0[i1] * ax;
        const float vb = a.v1[i0] * (1.0f - ax) + a.v1[i1] * ax;
        const float u = ut * (1.0f - ay) + ub * ay;
        const float v = vt * (1.0f - ay) + vb * ay;
        float rr, gg, bb;
        yuv_to_rgb(d, a.y[x], u, v, rr, gg, bb);
        r[x] = clamp01(rr);
        g[x] = clamp01(gg);
        b[x] = clamp01(bb);
    }
}

}  // namespace

Result<void> NormalizeCpu::run(ConstImageView in, const NormalizeParams& params, PlanarFrame& out,
                               ThreadPool& pool) {
    KZ_TRY(validate_rgba(in));
    const int w = in.width, h = in.height;
    if (in.format == PixelFormat::rgba8) {
        KZ_TRY(decode_rgba8(in, out, pool));
        return finish(params, TransferKind::srgb, out, pool);
    }
    std::atomic<bool> has_alpha{false};
    pool.parallel_for(h, [&](int y0, int y1) {
        for (int y = y0; y < y1 && !has_alpha.load(std::memory_order_relaxed); ++y) {
            const std::byte* row = in.row(y);
            bool found = false;
            for (int x = 0; x < w; ++x) found |= decode_one(row, in.format, 4 * x + 3) < 1.0f;
            if (found) has_alpha.store(true, std::memory_order_relaxed);
        }
    });
    const bool alpha = has_alpha.load();
    KZ_TRY(out.ensure(w, h, alpha));
    pool.parallel_for(h, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            float *r = out.r.row(y), *g = out.g.row(y), *b = out.b.row(y);
            float* a = alpha ? out.a.row(y) : nullptr;
            const std::byte* row = in.row(y);
            for (int x = 0; x < w; ++x) {
                r[x] = decode_one(row, in.format, 4 * x);
                g[x] = decode_one(row, in.format, 4 * x + 1);
                b[x] = decode_one(row, in.format, 4 * x + 2);
                if (a) a[x] = decode_one(row, in.format, 4 * x + 3);
            }
        }
    });
    return finish(params, TransferKind::srgb, out, pool);
}

Result<void> NormalizeCpu::decode_rgba8(ConstImageView in, PlanarFrame& out, ThreadPool& pool) {
    const int w = in.width, h = in.height;
    // One pass decodes and looks for alpha < 1 at once. The alpha plane is written only if the
    // previous frame had one (so steady state allocates nothing); if the answer differs from
    // that guess, the alpha plane is made or dropped afterwards (re-decoding when made).
    const bool guess = out.has_alpha() && out.width() == w && out.height() == h;
    KZ_TRY(out.ensure(w, h, guess));
    auto decode = [&](bool with_alpha) {
        std::atomic<bool> found{false};
        pool.parallel_for(
            h,
            [&](int y0, int y1) {
                bool any = false;
                for (int y = y0; y < y1; ++y) {
                    any |= normalize_detail::decode_rgba8_row(
                        in.row_as<const uint8_t>(y), w, out.r.row(y), out.g.row(y), out.b.row(y),
                        with_alpha ? out.a.row(y) : nullptr);
                }
                if (any) found.store(true, std::memory_order_relaxed);
            },
            8);
        return found.load();
    };
    const bool alpha = decode(guess);
    if (alpha != guess) {
        KZ_TRY(out.ensure(w, h, alpha));
        if (alpha) decode(true);
    }
    return {};
}

Result<void> NormalizeCpu::run_yuv(const YuvView& in, const NormalizeParams& params,
                                   PlanarFrame& out, ThreadPool& pool) {
    KZ_TRY(validate_yuv(in));
    const int w = in.width, h = in.height, cw = in.chroma_width(), ch = in.chroma_height();
    KZ_TRY(out.ensure(w, h, false));
    const YuvDecode d = resolve_yuv_decode(in);
    cx0_.resize(static_cast<size_t>(w));
    cx1_.resize(static_cast<size_t>(w));
    cax_.resize(static_cast<size_t>(w));
    for (int x = 0; x < w; ++x) {
        const float cx = (static_cast<float>(x) - d.chroma_x) / static_cast<float>(d.sub_x);
        const float f0 = std::floor(cx);
        cax_[x] = cx - f0;
        cx0_[x] = std::clamp(static_cast<int>(f0), 0, cw - 1);
        cx1_[x] = std::clamp(static_cast<int>(f0) + 1, 0, cw - 1);
    }
    pool.parallel_for(h, [&](int y0, int y1) {
        float* buf = thread_scratch(3, static_cast<size_t>(w) + 4 * static_cast<size_t>(cw));
        float* yrow = buf;
        float* c[4] = {buf + w, buf + w + cw, buf + w + 2 * cw, buf + w + 3 * cw};
        YuvRowArgs a{};
        a.d = d;
        a.x0 = cx0_.data();
        a.x1 = cx1_.data();
        a.ax = cax_.data();
        for (int y = y0; y < y1; ++y) {
            const float cy = (static_cast<float>(y) - d.chroma_y) / static_cast<float>(d.sub_y);
            const float fy0 = std::floor(cy);
            a.ay = cy - fy0;
            const int r0 = std::clamp(static_cast<int>(fy0), 0, ch - 1);
            const int r1 = std::clamp(static_cast<int>(fy0) + 1, 0, ch - 1);
            const std::byte* yr = in.y + y * in.y_stride;
            for (int x = 0; x < w; ++x) yrow[x] = yuv_sample(yr, in.bit_depth, x);
            const std::byte* rows[4] = {in.u + r0 * in.u_stride, in.u + r1 * in.u_stride,
                                        in.v + r0 * in.v_stride, in.v + r1 * in.v_stride};
            for (int k = 0; k < 4; ++k) {
                for (int x = 0; x < cw; ++x) c[k][x] = yuv_sample(rows[k], in.bit_depth, x);
            }
            a.y = yrow;
            a.u0 = c[0];
            a.u1 = c[1];
            a.v0 = c[2];
            a.v1 = c[3];
            yuv_row(a, w, out.r.row(y), out.g.row(y), out.b.row(y));
        }
    });
    return finish(params, d.transfer, out, pool);
}

Result<void> NormalizeCpu::finish(const NormalizeParams& params, TransferKind transfer,
                                  PlanarFrame& out, ThreadPool& pool) {
    const int w = out.width(), h = out.height();
    if (params.denoise_strength > 0.0f) {
        const DenoiseWeights dw = denoise_weights(params);
        Plane* planes[3] = {&out.r, &out.g, &out.b};
        for (int c = 0; c < 3; ++c) KZ_TRY(padded_[c].ensure(w + 2 * pad, h + 2 * pad));
        pool.parallel_for(h + 2 * pad, [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) {
                const int sy = std::clamp(y - pad, 0, h - 1);
                for (int c = 0; c < 3; ++c) {
                    const float* s = planes[c]->row(sy);
                    float* d = padded_[c].row(y);
                    for (int k = 0; k < pad; ++k) d[k] = s[0];
                    std::copy_n(s, w, d + pad);
                    for (int k = 0; k < pad; ++k) d[pad + w + k] = s[w - 1];
                }
            }
        });
        pool.parallel_for(h, [&](int y0, int y1) {
            float* acc = thread_scratch(0, 4 * static_cast<size_t>(w));
            BilateralArgs a{};
            a.spatial = dw.spatial;
            a.range_scale = dw.range_scale;
            a.r = dw.radius;
            const int r = dw.radius;
            for (int y = y0; y < y1; ++y) {
                for (int c = 0; c < 3; ++c) {
                    for (int k = 0; k <= 2 * r; ++k) a.rows[c][k] = padded_[c].row(y + pad - r + k);
                }
                bilateral_row(a, w, pad, acc, out.r.row(y), out.g.row(y), out.b.row(y));
            }
        });
    }
    if (params.linear_light) {
        const TransferCurve curve = transfer_curve(transfer == TransferKind::srgb);
        pool.parallel_for(h, [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) {
                linear_row(out.r.row(y), w, curve);
                linear_row(out.g.row(y), w, curve);
                linear_row(out.b.row(y), w, curve);
            }
        });
    }
    return {};
}

}  // namespace kizuna::stages
