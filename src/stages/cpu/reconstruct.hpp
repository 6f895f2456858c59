// Fast CPU version of stage 2 (reconstruct.hpp): the same rule and the same arithmetic in the
// same order, in one streaming pass per band of rows (luma, gradients and classes over small
// per-thread row rings, Highway SIMD) split over a ThreadPool. Gradients and classes match
// reconstruct_ref exactly (tests allow 1e-6 on gradients). Deterministic for any thread count.
#pragma once

#include "kizuna/error.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// Holds no frame data: its rings are per-thread scratch rows (simd.hpp thread_scratch slot 1),
// which only grow, so steady-state frames allocate nothing. One frame at a time.
class ReconstructCpu {
public:
    // Same contract as reconstruct_ref, except that out.magnitude is left as it was (allocated,
    // contents unspecified) after set_store_magnitude(false).
    Result<void> run(const PlanarFrame& in, const ReconstructParams& params, FeatureMap& out,
                     ThreadPool& pool);

    // Whether run() writes out.magnitude (default true). The classes use the magnitude either
    // way; only its whole-frame store (a quarter of the stage's output traffic) is skipped, for
    // callers that read only gx, gy and the classes (the fast preview chain's stages 3 and 4).
    void set_store_magnitude(bool store) noexcept { store_magnitude_ = store; }

private:
    bool store_magnitude_ = true;
};

}  // namespace kizuna::stages
