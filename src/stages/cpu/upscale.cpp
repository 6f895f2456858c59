// Same rounding as the reference: no fused multiply-add contraction in any ISA variant.
#pragma GCC optimize("fp-contract=off")

#include "stages/cpu/upscale.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "stages/cpu/simd.hpp"
#include "stages/cpu/upscale_row2x.hpp"
#include "stages/upscale.hpp"
#include "stages/upscale_kernel.hpp"

namespace kizuna::stages {

namespace {

using namespace upscale2x;

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
KZ_SIMD_FUNCTION(void, cell_tensor_inner,
                 (const float* gx0, const float* gy0, const float* gx1, const float* gy1, int w,
                  float* __restrict trace, float* __restrict jxy_out, float* __restrict root),
                 (gx0, gy0, gx1, gy1, w, trace, jxy_out, root)) {
    for (int ci = 1; ci < w; ++ci) {
        cell_tensor_one(gx0[ci - 1], gy0[ci - 1], gx0[ci], gy0[ci], gx1[ci - 1], gy1[ci - 1],
                        gx1[ci], gy1[ci], trace[ci], jxy_out[ci], root[ci]);
    }
}

// The structure tensor of cell_weights (upscale_kernel.hpp) for a row of cells, without
// branches; cell_row takes the two square roots with sqrt_row and the weights with
// cell_weights_row (upscale_row2x.hpp). Same arithmetic in the same order as the reference.
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

KZ_SIMD_FUNCTION(void, cell_strength,
                 (const float* trace, const float* root, int n, float* __restrict strength),
                 (trace, root, n, strength)) {
    for (int i = 0; i < n; ++i) strength[i] = 0.5f * (trace[i] + root[i]);
}

KZ_SIMD_FUNCTION(void, clamp01_row, (float* __restrict row, int n), (row, n)) {
    for (int x = 0; x < n; ++x) row[x] = std::min(std::max(row[x], 0.0f), 1.0f);
}

}  // namespace

Result<void> UpscaleCpu::prepare_rows2x(const PlanarFrame& in, const FeatureMap& features,
                                        const UpscaleParams& params, bool clamp01) {
    const int w = in.width(), h = in.height();
    KZ_TRY(check_upscale_features(features, w, h));
    rows_src_[0] = &in.r;
    rows_src_[1] = &in.g;
    rows_src_[2] = &in.b;
    rows_features_ = &features;
    rows_sharpness_ = params.edge_sharpness;
    rows_w_ = w;
    rows_h_ = h;
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

namespace {

// Floats of one cell-weight row in row2x's scratch: w + 1 cells, whole vectors, with slack.
size_t cell_row_floats(int w) {
    return (static_cast<size_t>(w) + 1 + 15) / 16 * 16 + 16;
}

}  // namespace

void UpscaleCpu::cell_row(int cj, float* w_main, float* w_anti, float* t) const {
    const int w = rows_w_, h = rows_h_;
    const size_t n = static_cast<size_t>(w) + 1;
    float *trace = t, *jxy = t + n, *root = t + 2 * n, *strength = t + 3 * n;
    const FeatureMap& f = *rows_features_;
    const int a = std::clamp(cj - 1, 0, h - 1), b = std::clamp(cj, 0, h - 1);
    cell_tensor(f.gx.row(a), f.gy.row(a), f.gx.row(b), f.gy.row(b), w, trace, jxy, root);
    sqrt_row(root, w + 1);
    cell_strength(trace, root, w + 1, strength);
    sqrt_row(strength, w + 1);
    cell_weights_row(trace, jxy, root, strength, w + 1, rows_sharpness_, w_main, w_anti);
}

size_t UpscaleCpu::row2x_scratch_floats() const noexcept {
    return row2x_channel_scratch_floats() + 6 * cell_row_floats(rows_w_);
}

void UpscaleCpu::row2x(int oy, float* const dst[3], Row2xScratch& s) const {
    const size_t cw = cell_row_floats(rows_w_);
    float* w_main = s.floats + row2x_channel_scratch_floats();
    float* w_anti = w_main + cw;
    const int j0 = (oy - 1) >> 1;
    if (s.cell_row != j0 + 1) {
        cell_row(j0 + 1, w_main, w_anti, w_anti + cw);
        s.cell_row = j0 + 1;
    }
    Row2xArgs a;
    a.width = rows_w_;
    a.odd_row = (oy & 1) != 0;
    std::copy_n(a.odd_row ? rows_w1_ : rows_w0_, 6, a.wy);  // vertical phase 0.25 / 0.75
    std::copy_n(rows_w0_, 6, a.wx0);
    std::copy_n(rows_w1_, 6, a.wx1);
    std::copy_n(rows_ce_, 4, a.ce);
    std::copy_n(rows_co_, 4, a.co);
    a.anti_ringing = rows_anti_ringing_;
    a.clip_lo = rows_clamp01_ ? 0.0f : -FLT_MAX;
    a.clip_hi = rows_clamp01_ ? 1.0f : FLT_MAX;
    a.w_even = a.odd_row ? w_anti : w_main;
    a.w_odd = a.odd_row ? w_main : w_anti;
    for (int c = 0; c < 3; ++c) {
        for (int l = 0; l < 6; ++l) {
            a.rows[l] = rows_src_[c]->row(std::clamp(j0 - 2 + l, 0, rows_h_ - 1));
        }
        // Output rows oy + 1 and oy + 2 add input row j0 + 4 (first read from memory).
        a.prefetch = a.odd_row && j0 + 4 < rows_h_ ? rows_src_[c]->row(j0 + 4) : nullptr;
        row2x_channel(a, s.floats, dst[c]);
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
    KZ_TRY(prepare_rows2x(in, features, params, clamp01));
    KZ_TRY(out.r.ensure(2 * w, 2 * h));
    KZ_TRY(out.g.ensure(2 * w, 2 * h));
    KZ_TRY(out.b.ensure(2 * w, 2 * h));
    pool.parallel_for(2 * h, [&](int y0, int y1) {
        Row2xScratch s;
        s.floats = thread_scratch(0, row2x_scratch_floats());
        for (int oy = y0; oy < y1; ++oy) {
            float* const dst[3] = {out.r.row(oy), out.g.row(oy), out.b.row(oy)};
            row2x(oy, dst, s);
        }
    });
    return {};
}

Result<void> UpscaleCpu::run(const PlanarFrame& in, const FeatureMap& features,
                             const UpscaleParams& params, PlanarFrame& out, ThreadPool& pool) {
    KZ_TRY(check_upscale_size(params));
    const int ow = params.out_width, oh = params.out_height;
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
    if (in.has_alpha()) KZ_TRY(run_alpha(in, out.a, pool));
    return {};
}

Result<void> UpscaleCpu::run_alpha(const PlanarFrame& in, Plane& out, ThreadPool& pool) {
    KZ_TRY(resample_alpha_.run(in.a, out, ResampleFilter::bicubic, 1.0f, pool));
    const int w = out.width();
    pool.parallel_for(out.height(), [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) clamp01_row(out.row(y), w);
    });
    return {};
}

}  // namespace kizuna::stages
