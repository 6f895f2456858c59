// Fast CPU version of stage 2 (reconstruct.hpp): the same rule and the same arithmetic in the
// same order, on edge-padded rows, vectorised (simd.hpp) and split over a ThreadPool. Gradients
// and classes match reconstruct_ref exactly (tests allow 1e-6 on gradients).
#pragma once

#include "kizuna/error.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"
#include "stages/thread_pool.hpp"

namespace kizuna::stages {

// Owns the padded luma plane; allocates only on a size change. One frame at a time.
class ReconstructCpu {
public:
    // Same contract as reconstruct_ref.
    Result<void> run(const PlanarFrame& in, const ReconstructParams& params, FeatureMap& out,
                     ThreadPool& pool);

private:
    static constexpr int pad = 2;
    Plane luma_;  // (w + 4) x (h + 4), edges replicated
};

}  // namespace kizuna::stages
