// Fast CPU version of stage 2 (reconstruct.hpp): the same rule and the same arithmetic in the
// same order, in one streaming pass per band of rows (luma, gradients and classes over small
// per-thread row rings, Highway SIMD) split over a ThreadPool. Gradients and classes match
// reconstruct_ref exactly (tests allow 1e-6 on gradients). Deterministic for any thread count.
#pragma once

#include "kizuna/error.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"
#include "stages/thread_pool.hpp"

namespace kizuna::stages {

// Stateless apart from per-thread scratch rows (simd.hpp thread_scratch slot 1), which only
// grow: steady-state frames allocate nothing. One frame at a time.
class ReconstructCpu {
public:
    // Same contract as reconstruct_ref.
    Result<void> run(const PlanarFrame& in, const ReconstructParams& params, FeatureMap& out,
                     ThreadPool& pool);
};

}  // namespace kizuna::stages
