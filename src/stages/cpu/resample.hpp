// Fast CPU version of resample_plane_ref (resample.hpp): same rule and taps, rows split over a
// ThreadPool. Tolerance against the reference: max abs difference 1e-5 (same arithmetic in a
// different order). Deterministic for any thread count. A vertical pass that needs more than 64
// taps per output (a shrink by more than about 10x) falls back to the reference, ncnn-style.
#pragma once

#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/resample.hpp"

namespace kizuna::stages {

// Holds the tap tables and the intermediate plane; reuses them while sizes stay the same.
// Not thread safe: one call at a time per instance.
class ResampleCpu {
public:
    // Resamples in to out's current size (out must be allocated).
    Result<void> run(const Plane& in, Plane& out, ResampleFilter filter, float anti_ringing,
                     ThreadPool& pool);

private:
    struct Axis {
        ResampleTaps taps;
        int in_size = -1, out_size = -1;
        ResampleFilter filter = ResampleFilter::bicubic;
        void ensure(int in_sz, int out_sz, ResampleFilter f);
    };
    Axis hx_, vy_;
    Plane mid_;
};

}  // namespace kizuna::stages
