// Fast CPU version of stage 3 (upscale.hpp): the same rule, restructured into separable row
// passes (vertical lanczos sums, then horizontal ones) straight from the input rows, vectorised
// (simd.hpp, upscale_row2x.hpp) and split over a ThreadPool. Tolerance against upscale_ref: max abs
// difference 2e-5 (lanczos sums in another order). Deterministic for any thread count and CPU.
#pragma once

#include "kizuna/error.hpp"
#include "stages/cpu/reconstruct.hpp"
#include "stages/cpu/resample.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// Owns every intermediate buffer; after the first frame of a given size it allocates nothing.
// Not thread safe: one frame at a time per instance.
class UpscaleCpu {
public:
    // Same contract as upscale_ref.
    Result<void> run(const PlanarFrame& in, const FeatureMap& features, const UpscaleParams& params,
                     PlanarFrame& out, ThreadPool& pool);

    // Stage 3's alpha alone, exactly as run makes it: in.a (in must have alpha) resampled to
    // out's current size (bicubic, full anti-ringing) and clamped to [0, 1].
    Result<void> run_alpha(const PlanarFrame& in, Plane& out, ThreadPool& pool);

    // Same contract as upscale2x_ref, except that out keeps its alpha plane if it has one
    // (untouched) and clamp01 additionally clamps the result to [0, 1].
    Result<void> run2x(const PlanarFrame& in, const FeatureMap& features,
                       const UpscaleParams& params, PlanarFrame& out, ThreadPool& pool,
                       bool clamp01 = false);

    // A single exact x2 step (the form stage 3 takes for --scale 2) computed row by row, for the
    // fused preview pass: is_single_x2 tells whether run would take it; prepare_rows2x sets the
    // step up and keeps pointers to in's colour planes and to the feature map, so both must stay
    // alive and unchanged until the last row2x call; then row2x(oy, dst, s) writes output row
    // oy (2 * width floats) of R, G, B into dst exactly as run / run2x would (clamped to [0, 1]
    // when clamp01, as run does) and nothing past it. The blend weights of the row's 2x2 cells
    // are computed on demand into s and reused by the next output row when it needs the same
    // cell row (output rows 2k + 1 and 2k + 2 do): no whole-frame weight planes.
    // row2x may be called from several threads at once, each with its own Row2xScratch; the
    // object must not change meanwhile.
    struct Row2xScratch {
        float* floats = nullptr;  // row2x_scratch_floats() floats, any alignment
        int cell_row = -1;        // cell row whose weights floats holds (-1: none yet)
    };
    static bool is_single_x2(int in_width, int in_height, const UpscaleParams& params) noexcept;
    Result<void> prepare_rows2x(const PlanarFrame& in, const FeatureMap& features,
                                const UpscaleParams& params, bool clamp01);
    // Depends on the width given to the last prepare_rows2x.
    size_t row2x_scratch_floats() const noexcept;
    void row2x(int oy, float* const dst[3], Row2xScratch& s) const;

private:
    // Blend weights of cell row cj (w + 1 cells) into w_main / w_anti; t: 4 (w + 1) floats.
    void cell_row(int cj, float* w_main, float* w_anti, float* t) const;

    const Plane* rows_src_[3] = {};              // R, G, B of the last prepare_rows2x's input
    const FeatureMap* rows_features_ = nullptr;  // and its feature map
    float rows_sharpness_ = 0.0f;
    PlanarFrame steps_[2];
    FeatureMap step_features_;
    ReconstructCpu reconstruct_;
    ResampleCpu resample_, resample_alpha_;
    int rows_w_ = 0, rows_h_ = 0;  // input size of the last prepare_rows2x
    float rows_anti_ringing_ = 0.0f;
    bool rows_clamp01_ = false;
    float rows_w0_[6] = {}, rows_w1_[6] = {};  // lanczos3 weights, phase 0.75 and 0.25
    float rows_ce_[4] = {}, rows_co_[4] = {};  // Catmull-Rom weights along the diagonal
};

}  // namespace kizuna::stages
