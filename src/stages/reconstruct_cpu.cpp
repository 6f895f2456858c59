// Same rounding as the reference: no fused multiply-add contraction in any ISA clone.
#pragma GCC optimize("fp-contract=off")

#include "stages/reconstruct_cpu.hpp"

#include <algorithm>
#include <cmath>

#include "stages/reconstruct.hpp"
#include "stages/simd.hpp"

namespace kizuna::stages {

namespace {

KZ_SIMD_CLONES
void luma_row(const float* r, const float* g, const float* b, int w, float* __restrict dst) {
    for (int x = 0; x < w; ++x) dst[x] = luma_of(r[x], g[x], b[x]);
}

// um, u0, up: padded luma rows y-1, y, y+1 at padded column 0 (pixel x is at x + 2).
KZ_SIMD_CLONES
void sobel_row(const float* um, const float* u0, const float* up, int w, float* __restrict gx,
               float* __restrict gy, float* __restrict mag) {
    for (int x = 0; x < w; ++x) {
        const int c = x + 2;
        const float a =
            (um[c + 1] + 2.0f * u0[c + 1] + up[c + 1] - um[c - 1] - 2.0f * u0[c - 1] - up[c - 1]) *
            0.125f;
        const float b =
            (up[c - 1] + 2.0f * up[c] + up[c + 1] - um[c - 1] - 2.0f * um[c] - um[c + 1]) * 0.125f;
        gx[x] = a;
        gy[x] = b;
        mag[x] = a * a + b * b;  // squared; sqrt_row finishes it
    }
}

struct ClassArgs {
    const float* L[5];   // padded luma rows y-2 .. y+2
    const float* gx[3];  // gradient rows y-1 .. y+1 with one replicated pixel each side
    const float* gy[3];
    const float* m[3];
    float line_threshold, edge_threshold, weak;
};

// First half of the rule per pixel: darkness, and the texture inputs (active count, sum of
// magnitudes, squared length of the summed gradient; sqrt_row takes its root afterwards).
KZ_SIMD_CLONES
void class_prep(const ClassArgs& a, int w, float* __restrict dark_out, float* __restrict active_out,
                float* __restrict sum_out, float* __restrict len_out) {
    const float *l0 = a.L[0], *l1 = a.L[1], *l2 = a.L[2], *l3 = a.L[3], *l4 = a.L[4];
    const float *gx0 = a.gx[0], *gx1 = a.gx[1], *gx2 = a.gx[2];
    const float *gy0 = a.gy[0], *gy1 = a.gy[1], *gy2 = a.gy[2];
    const float *m0 = a.m[0], *m1 = a.m[1], *m2 = a.m[2];
    const float weak = a.weak;
    for (int x = 0; x < w; ++x) {
        const int c = x + 2;
        const float v = l2[c];
        float dark = -1.0f;
        // d = (1, 0), (0, 1), (1, 1), (1, -1) in this order.
        float sp = std::max(l2[c + 1], l2[c + 2]), sm = std::max(l2[c - 1], l2[c - 2]);
        dark = std::max(dark, std::min(sp, sm) - v);
        sp = std::max(l3[c], l4[c]);
        sm = std::max(l1[c], l0[c]);
        dark = std::max(dark, std::min(sp, sm) - v);
        sp = std::max(l3[c + 1], l4[c + 2]);
        sm = std::max(l1[c - 1], l0[c - 2]);
        dark = std::max(dark, std::min(sp, sm) - v);
        sp = std::max(l1[c + 1], l0[c + 2]);
        sm = std::max(l3[c - 1], l4[c - 2]);
        dark = std::max(dark, std::min(sp, sm) - v);
        const float mm[9] = {m0[x],     m0[x + 1], m0[x + 2], m1[x],    m1[x + 1],
                             m1[x + 2], m2[x],     m2[x + 1], m2[x + 2]};
        const float gxs[9] = {gx0[x],     gx0[x + 1], gx0[x + 2], gx1[x],    gx1[x + 1],
                              gx1[x + 2], gx2[x],     gx2[x + 1], gx2[x + 2]};
        const float gys[9] = {gy0[x],     gy0[x + 1], gy0[x + 2], gy1[x],    gy1[x + 1],
                              gy1[x + 2], gy2[x],     gy2[x + 1], gy2[x + 2]};
        float active = 0.0f, sx = 0.0f, sy = 0.0f, ss = 0.0f;
        for (int k = 0; k < 9; ++k) {
            active += mm[k] > weak ? 1.0f : 0.0f;
            sx += gxs[k];
            sy += gys[k];
            ss += mm[k];
        }
        dark_out[x] = dark;
        active_out[x] = active;
        sum_out[x] = ss;
        len_out[x] = sx * sx + sy * sy;
    }
}

KZ_SIMD_CLONES
void class_final(const float* dark, const float* active, const float* sum, const float* len,
                 const float* mag, int w, float lt, float et, uint8_t* __restrict cls) {
    for (int x = 0; x < w; ++x) {
        const bool texture = (active[x] >= 5.0f) & (len[x] < 0.5f * sum[x]);
        const bool line = dark[x] > lt;
        const bool edge = mag[x] > et;
        const uint8_t t = texture ? uint8_t{3} : uint8_t{0};
        const uint8_t e = edge ? uint8_t{1} : t;
        cls[x] = line ? uint8_t{2} : e;
    }
}

void pad1(const float* src, int w, float* dst) {
    dst[0] = src[0];
    std::copy_n(src, w, dst + 1);
    dst[w + 1] = src[w - 1];
}

}  // namespace

Result<void> ReconstructCpu::run(const PlanarFrame& in, const ReconstructParams& params,
                                 FeatureMap& out, ThreadPool& pool) {
    const int w = in.width(), h = in.height();
    KZ_TRY(out.ensure(w, h));
    KZ_TRY(luma_.ensure(w + 2 * pad, h + 2 * pad));
    pool.parallel_for(h, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            float* d = luma_.row(y + pad);
            luma_row(in.r.row(y), in.g.row(y), in.b.row(y), w, d + pad);
            d[0] = d[1] = d[pad];
            d[pad + w] = d[pad + w + 1] = d[pad + w - 1];
        }
    });
    for (int k = 0; k < pad; ++k) {
        std::copy_n(luma_.row(pad), w + 2 * pad, luma_.row(k));
        std::copy_n(luma_.row(pad + h - 1), w + 2 * pad, luma_.row(pad + h + k));
    }
    pool.parallel_for(h, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            sobel_row(luma_.row(y + pad - 1), luma_.row(y + pad), luma_.row(y + pad + 1), w,
                      out.gx.row(y), out.gy.row(y), out.magnitude.row(y));
            sqrt_row(out.magnitude.row(y), w);
        }
    });
    pool.parallel_for(h, [&](int y0, int y1) {
        const size_t pw = static_cast<size_t>(w) + 2;
        float* scratch = thread_scratch(1, pw * 9);
        float* tmp = thread_scratch(2, static_cast<size_t>(w) * 4);
        float *dark = tmp, *active = tmp + w, *sum = tmp + 2 * w, *len = tmp + 3 * w;
        ClassArgs a{};
        a.line_threshold = params.line_threshold;
        a.edge_threshold = params.edge_threshold;
        a.weak = params.edge_threshold * 0.25f;
        for (int y = y0; y < y1; ++y) {
            for (int k = 0; k < 5; ++k) a.L[k] = luma_.row(y + k);
            for (int k = 0; k < 3; ++k) {
                const int yy = std::clamp(y + k - 1, 0, h - 1);
                float* gx = scratch + pw * (3 * k);
                float* gy = gx + pw;
                float* m = gy + pw;
                pad1(out.gx.row(yy), w, gx);
                pad1(out.gy.row(yy), w, gy);
                pad1(out.magnitude.row(yy), w, m);
                a.gx[k] = gx;
                a.gy[k] = gy;
                a.m[k] = m;
            }
            class_prep(a, w, dark, active, sum, len);
            sqrt_row(len, w);
            class_final(dark, active, sum, len, out.magnitude.row(y), w, params.line_threshold,
                        params.edge_threshold, out.cls_row(y));
        }
    });
    return {};
}

}  // namespace kizuna::stages
