// Same rounding as the reference: no fused multiply-add contraction in any ISA clone.
#pragma GCC optimize("fp-contract=off")

#include "stages/upscale_cpu.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include <fmt/format.h>

#include "stages/simd.hpp"
#include "stages/upscale.hpp"
#include "stages/upscale_kernel.hpp"

namespace kizuna::stages {

namespace {

using namespace upscale2x;

// Copies a row with `pad` replicated pixels on both sides.
void pad_row(const float* src, int w, int pad, float* dst) {
    for (int k = 0; k < pad; ++k) dst[k] = src[0];
    std::copy_n(src, w, dst + pad);
    for (int k = 0; k < pad; ++k) dst[pad + w + k] = src[w - 1];
}

// One cell from its four gradient samples (a, b on row j0; c, d on row j0 + 1).
inline void cell_tensor_one(float ax, float ay, float bx, float by, float cx, float cy, float dx,
                            float dy, float& trace, float& jxy_out, float& root) {
    const float jxx = (((ax * ax + bx * bx) + cx * cx) + dx * dx) * 0.25f;
    const float jxy = (((ax * ay + bx * by) + cx * cy) + dx * dy) * 0.25f;
    const float jyy = (((ay * ay + by * by) + cy * cy) + dy * dy) * 0.25f;
    const float diff = jxx - jyy;
    trace = jxx + jyy;
    jxy_out = jxy;
    root = diff * diff + 4.0f * jxy * jxy;  // squared; sqrt_row finishes it
}

// Interior cells ci in [1, w - 1]: columns ci - 1 and ci, no clamping, so it vectorises.
KZ_SIMD_CLONES
void cell_tensor_inner(const float* gx0, const float* gy0, const float* gx1, const float* gy1,
                       int w, float* __restrict trace, float* __restrict jxy_out,
                       float* __restrict root) {
    for (int ci = 1; ci < w; ++ci) {
        cell_tensor_one(gx0[ci - 1], gy0[ci - 1], gx0[ci], gy0[ci], gx1[ci - 1], gy1[ci - 1],
                        gx1[ci], gy1[ci], trace[ci], jxy_out[ci], root[ci]);
    }
}

// cell_weights (upscale_kernel.hpp) for a row of cells, without branches, in three passes so
// the two square roots go through sqrt_row; same arithmetic in the same order as the reference.
// Cell ci covers columns ci - 1 and ci (clamped), ci in [0, w]; g?0 / g?1 are the gradient rows
// clamp(j0) / clamp(j0 + 1). t0..t3 are scratch rows of w + 1 floats.
void cell_tensor(const float* gx0, const float* gy0, const float* gx1, const float* gy1, int w,
                 float* __restrict trace, float* __restrict jxy_out, float* __restrict root) {
    for (int ci : {0, w}) {
        const int a = std::max(ci - 1, 0), b = std::min(ci, w - 1);
        cell_tensor_one(gx0[a], gy0[a], gx0[b], gy0[b], gx1[a], gy1[a], gx1[b], gy1[b], trace[ci],
                        jxy_out[ci], root[ci]);
    }
    cell_tensor_inner(gx0, gy0, gx1, gy1, w, trace, jxy_out, root);
}

KZ_SIMD_CLONES
void cell_strength(const float* trace, const float* root, int n, float* __restrict strength) {
    for (int i = 0; i < n; ++i) strength[i] = 0.5f * (trace[i] + root[i]);
}

KZ_SIMD_CLONES
void cell_final(const float* trace, const float* jxy, const float* root, const float* strength,
                int n, float sharp, float* __restrict w_main, float* __restrict w_anti) {
    for (int i = 0; i < n; ++i) {
        const bool valid = root[i] > tiny;
        const float safe_root = valid ? root[i] : 1.0f;
        const float coherence = root[i] / (trace[i] + tiny);
        const float ramp =
            std::min(std::max((strength[i] - edge_lo) / (edge_hi - edge_lo), 0.0f), 1.0f);
        const float alpha = std::min(std::max(sharp * coherence * ramp, 0.0f), 1.0f);
        const float s2 = 2.0f * jxy[i] / safe_root;
        const float align_main = 0.5f * (1.0f - s2);
        const float align_anti = 0.5f * (1.0f + s2);
        const float m =
            alpha * std::min(std::max((align_main - align_lo) / (1.0f - align_lo), 0.0f), 1.0f);
        const float a =
            alpha * std::min(std::max((align_anti - align_lo) / (1.0f - align_lo), 0.0f), 1.0f);
        w_main[i] = valid ? m : 0.0f;
        w_anti[i] = valid ? a : 0.0f;
    }
}

// V[x] = sum_l wy[l] * rows[l][x] over padded columns.
KZ_SIMD_CLONES
void vertical6(const float* r0, const float* r1, const float* r2, const float* r3, const float* r4,
               const float* r5, const float* wy, int n, float* __restrict v) {
    const float w0 = wy[0], w1 = wy[1], w2 = wy[2], w3 = wy[3], w4 = wy[4], w5 = wy[5];
    for (int x = 0; x < n; ++x) {
        v[x] = w0 * r0[x] + w1 * r1[x] + w2 * r2[x] + w3 * r3[x] + w4 * r4[x] + w5 * r5[x];
    }
}

struct RowArgs {
    const float* v;        // vertical lanczos sums, padded columns
    const float* de[4];    // diagonal samples of even outputs, already offset (index with i)
    const float* dodd[4];  // ... of odd outputs
    const float* r0;       // padded low-res rows j0 and j0 + 1 (index with i + 2 / i + 3)
    const float* r1;
    const float* we;       // blend weight of even outputs (index i)
    const float* wo;       // blend weight of odd outputs (index i + 1)
    float wx0[6], wx1[6];  // lanczos weights, phase 0.75 (even) and 0.25 (odd)
    float ce[4], co[4];    // Catmull-Rom weights along the diagonal
    float anti_ringing;
    float clip_lo, clip_hi;
};

KZ_SIMD_CLONES
void x2_row(const RowArgs& a, int w, float* __restrict out) {
    const float* v = a.v;
    const float *de0 = a.de[0], *de1 = a.de[1], *de2 = a.de[2], *de3 = a.de[3];
    const float *do0 = a.dodd[0], *do1 = a.dodd[1], *do2 = a.dodd[2], *do3 = a.dodd[3];
    const float *r0 = a.r0, *r1 = a.r1, *we = a.we, *wo = a.wo;
    const float e0 = a.wx0[0], e1 = a.wx0[1], e2 = a.wx0[2], e3 = a.wx0[3], e4 = a.wx0[4],
                e5 = a.wx0[5];
    const float o0 = a.wx1[0], o1 = a.wx1[1], o2 = a.wx1[2], o3 = a.wx1[3], o4 = a.wx1[4],
                o5 = a.wx1[5];
    const float ce0 = a.ce[0], ce1 = a.ce[1], ce2 = a.ce[2], ce3 = a.ce[3];
    const float co0 = a.co[0], co1 = a.co[1], co2 = a.co[2], co3 = a.co[3];
    const float ar = a.anti_ringing, lo_clip = a.clip_lo, hi_clip = a.clip_hi;
    for (int i = 0; i < w; ++i) {
        const float base_e =
            ((((e0 * v[i] + e1 * v[i + 1]) + e2 * v[i + 2]) + e3 * v[i + 3]) + e4 * v[i + 4]) +
            e5 * v[i + 5];
        const float base_o =
            ((((o0 * v[i + 1] + o1 * v[i + 2]) + o2 * v[i + 3]) + o3 * v[i + 4]) + o4 * v[i + 5]) +
            o5 * v[i + 6];
        const float diag_e = ce0 * de0[i] + ce1 * de1[i] + ce2 * de2[i] + ce3 * de3[i];
        const float diag_o = co0 * do0[i] + co1 * do1[i] + co2 * do2[i] + co3 * do3[i];
        const float ve =
            finish_pixel(base_e, diag_e, we[i], r0[i + 2], r0[i + 3], r1[i + 2], r1[i + 3], ar);
        const float vo =
            finish_pixel(base_o, diag_o, wo[i + 1], r0[i + 3], r0[i + 4], r1[i + 3], r1[i + 4], ar);
        out[2 * i] = std::min(std::max(ve, lo_clip), hi_clip);
        out[2 * i + 1] = std::min(std::max(vo, lo_clip), hi_clip);
    }
}

KZ_SIMD_CLONES
void clamp01_row(float* __restrict row, int n) {
    for (int x = 0; x < n; ++x) row[x] = std::min(std::max(row[x], 0.0f), 1.0f);
}

}  // namespace

Result<void> UpscaleCpu::prepare_rows2x(const PlanarFrame& in, const FeatureMap& features,
                                        const UpscaleParams& params, ThreadPool& pool,
                                        bool clamp01) {
    const int w = in.width(), h = in.height();
    if (features.width() != w || features.height() != h) {
        return make_error(Errc::invalid_argument,
                          fmt::format("upscale: feature map {}x{} does not match the frame {}x{}",
                                      features.width(), features.height(), w, h));
    }
    for (auto& p : padded_) KZ_TRY(p.ensure(w + 2 * pad, h + 2 * pad));
    KZ_TRY(cell_main_.ensure(w + 1, h + 1));
    KZ_TRY(cell_anti_.ensure(w + 1, h + 1));
    const Plane* src[3] = {&in.r, &in.g, &in.b};
    rows_w_ = w;
    rows_h_ = h;

    // Pass 1: padded copies and cell weights.
    pool.parallel_for(h + 2 * pad, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const int sy = std::clamp(y - pad, 0, h - 1);
            for (int c = 0; c < 3; ++c) pad_row(src[c]->row(sy), w, pad, padded_[c].row(y));
        }
    });
    pool.parallel_for(h + 1, [&](int y0, int y1) {
        const size_t n = static_cast<size_t>(w) + 1;
        float* t = thread_scratch(1, 4 * n);
        float *trace = t, *jxy = t + n, *root = t + 2 * n, *strength = t + 3 * n;
        for (int cj = y0; cj < y1; ++cj) {
            const int a = std::clamp(cj - 1, 0, h - 1), b = std::clamp(cj, 0, h - 1);
            cell_tensor(features.gx.row(a), features.gy.row(a), features.gx.row(b),
                        features.gy.row(b), w, trace, jxy, root);
            sqrt_row(root, w + 1);
            cell_strength(trace, root, w + 1, strength);
            sqrt_row(strength, w + 1);
            cell_final(trace, jxy, root, strength, w + 1, params.edge_sharpness, cell_main_.row(cj),
                       cell_anti_.row(cj));
        }
    });
    rows_anti_ringing_ = params.anti_ringing;
    rows_clamp01_ = clamp01;
    lanczos3_weights(0.75f, rows_w0_);
    lanczos3_weights(0.25f, rows_w1_);
    for (int k = 0; k < 4; ++k) {
        rows_ce_[k] = catmull_rom(k == 0 ? 1.75f : k == 1 ? 0.75f : k == 2 ? 0.25f : 1.25f);
        rows_co_[k] = catmull_rom(k == 0 ? 1.25f : k == 1 ? 0.25f : k == 2 ? 0.75f : 1.75f);
    }
    return {};
}

size_t UpscaleCpu::row2x_scratch_floats() const noexcept {
    return static_cast<size_t>(rows_w_) + 2 * pad;
}

void UpscaleCpu::row2x(int oy, float* const dst[3], float* v) const {
    const int w = rows_w_;
    RowArgs a{};
    std::copy_n(rows_w0_, 6, a.wx0);
    std::copy_n(rows_w1_, 6, a.wx1);
    std::copy_n(rows_ce_, 4, a.ce);
    std::copy_n(rows_co_, 4, a.co);
    a.anti_ringing = rows_anti_ringing_;
    a.clip_lo = rows_clamp01_ ? 0.0f : -FLT_MAX;
    a.clip_hi = rows_clamp01_ ? 1.0f : FLT_MAX;
    const int pw = w + 2 * pad;
    const int j0 = (oy - 1) >> 1;
    const int py = oy & 1;
    const float* wy = py == 0 ? rows_w0_ : rows_w1_;  // vertical phase 0.75 / 0.25
    a.v = v;
    a.we = py == 0 ? cell_main_.row(j0 + 1) : cell_anti_.row(j0 + 1);
    a.wo = py == 1 ? cell_main_.row(j0 + 1) : cell_anti_.row(j0 + 1);
    for (int c = 0; c < 3; ++c) {
        const Plane& p = padded_[c];
        auto prow = [&](int r) { return p.row(r + pad); };  // low-res row r, padded
        vertical6(prow(j0 - 2), prow(j0 - 1), prow(j0), prow(j0 + 1), prow(j0 + 2), prow(j0 + 3),
                  wy, pw, v);
        const float *rm1 = prow(j0 - 1), *r0 = prow(j0), *r1 = prow(j0 + 1), *r2 = prow(j0 + 2);
        // Even outputs: i0 = i - 1 (padded column i + 2); odd: i0 = i (column i + 3).
        const float* main_e[4] = {rm1 + 1, r0 + 2, r1 + 3, r2 + 4};
        const float* anti_e[4] = {r2 + 1, r1 + 2, r0 + 3, rm1 + 4};
        const float* main_o[4] = {rm1 + 2, r0 + 3, r1 + 4, r2 + 5};
        const float* anti_o[4] = {r2 + 2, r1 + 3, r0 + 4, rm1 + 5};
        for (int k = 0; k < 4; ++k) {
            a.de[k] = py == 0 ? main_e[k] : anti_e[k];
            a.dodd[k] = py == 1 ? main_o[k] : anti_o[k];
        }
        a.r0 = r0;
        a.r1 = r1;
        x2_row(a, w, dst[c]);
    }
}

bool UpscaleCpu::is_single_x2(int in_width, int in_height, const UpscaleParams& params) noexcept {
    return upscale_steps(in_width, in_height, params.out_width, params.out_height) == 1 &&
           2 * in_width == params.out_width && 2 * in_height == params.out_height;
}

Result<void> UpscaleCpu::run2x(const PlanarFrame& in, const FeatureMap& features,
                               const UpscaleParams& params, PlanarFrame& out, ThreadPool& pool,
                               bool clamp01) {
    const int w = in.width(), h = in.height();
    KZ_TRY(prepare_rows2x(in, features, params, pool, clamp01));
    KZ_TRY(out.r.ensure(2 * w, 2 * h));
    KZ_TRY(out.g.ensure(2 * w, 2 * h));
    KZ_TRY(out.b.ensure(2 * w, 2 * h));
    // Pass 2: output rows.
    pool.parallel_for(2 * h, [&](int y0, int y1) {
        float* v = thread_scratch(0, row2x_scratch_floats());
        for (int oy = y0; oy < y1; ++oy) {
            float* const dst[3] = {out.r.row(oy), out.g.row(oy), out.b.row(oy)};
            row2x(oy, dst, v);
        }
    });
    return {};
}

Result<void> UpscaleCpu::run(const PlanarFrame& in, const FeatureMap& features,
                             const UpscaleParams& params, PlanarFrame& out, ThreadPool& pool) {
    const int ow = params.out_width, oh = params.out_height;
    if (ow <= 0 || oh <= 0) {
        return make_error(Errc::invalid_argument,
                          fmt::format("upscale: output size {}x{} is invalid", ow, oh));
    }
    const int steps = upscale_steps(in.width(), in.height(), ow, oh);
    const bool exact = steps > 0 && (in.width() << steps) == ow && (in.height() << steps) == oh;
    KZ_TRY(out.ensure(ow, oh, in.has_alpha()));
    const PlanarFrame* cur = &in;
    const FeatureMap* feat = &features;
    for (int s = 0; s < steps; ++s) {
        if (s > 0) {
            KZ_TRY(reconstruct_.run(*cur, ReconstructParams{}, step_features_, pool));
            feat = &step_features_;
        }
        const bool last = s == steps - 1 && exact;
        PlanarFrame& dst = last ? out : steps_[s & 1];
        KZ_TRY(run2x(*cur, *feat, params, dst, pool, last));
        cur = &dst;
    }
    if (!exact) {
        const Plane* src[3] = {&cur->r, &cur->g, &cur->b};
        Plane* dst[3] = {&out.r, &out.g, &out.b};
        for (int c = 0; c < 3; ++c) {
            if (steps == 0 && cur->width() == ow && cur->height() == oh) {
                for (int y = 0; y < oh; ++y) std::copy_n(src[c]->row(y), ow, dst[c]->row(y));
            } else {
                KZ_TRY(resample_.run(*src[c], *dst[c], ResampleFilter::lanczos3,
                                     params.anti_ringing, pool));
            }
            pool.parallel_for(oh, [&](int y0, int y1) {
                for (int y = y0; y < y1; ++y) clamp01_row(dst[c]->row(y), ow);
            });
        }
    }
    if (in.has_alpha()) {
        KZ_TRY(resample_alpha_.run(in.a, out.a, ResampleFilter::bicubic, 1.0f, pool));
        pool.parallel_for(oh, [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) clamp01_row(out.a.row(y), ow);
        });
    }
    return {};
}

}  // namespace kizuna::stages
