// Fast CPU version of stage 3 (upscale.hpp): the same rule, restructured into separable row
// passes over edge-padded copies of the input, vectorised (simd.hpp) and split over a
// ThreadPool. Tolerance against upscale_ref: max abs difference 2e-5 (lanczos sums in another
// order). Deterministic for any thread count and CPU.
#pragma once

#include "kizuna/error.hpp"
#include "stages/planar.hpp"
#include "stages/reconstruct_cpu.hpp"
#include "stages/resample_cpu.hpp"
#include "stages/stage_params.hpp"
#include "stages/thread_pool.hpp"

namespace kizuna::stages {

// Owns every intermediate buffer; after the first frame of a given size it allocates nothing.
// Not thread safe: one frame at a time per instance.
class UpscaleCpu {
public:
    // Same contract as upscale_ref.
    Result<void> run(const PlanarFrame& in, const FeatureMap& features, const UpscaleParams& params,
                     PlanarFrame& out, ThreadPool& pool);

    // Same contract as upscale2x_ref, except that out keeps its alpha plane if it has one
    // (untouched) and clamp01 additionally clamps the result to [0, 1].
    Result<void> run2x(const PlanarFrame& in, const FeatureMap& features,
                       const UpscaleParams& params, PlanarFrame& out, ThreadPool& pool,
                       bool clamp01 = false);

private:
    static constexpr int pad = 3;
    Plane padded_[3];              // R, G, B with `pad` replicated pixels on every side
    Plane cell_main_, cell_anti_;  // (w + 1) x (h + 1) blend weights per 2x2 cell
    PlanarFrame steps_[2];
    FeatureMap step_features_;
    ReconstructCpu reconstruct_;
    ResampleCpu resample_, resample_alpha_;
};

}  // namespace kizuna::stages
