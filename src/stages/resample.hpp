// Separable resampling of float planes to any size: the last step of stage 3 for factors that
// are not powers of two, and the alpha path. resample_plane_ref is the reference; the fast
// version lives in resample_cpu.hpp.
//
// The rule: two passes, horizontal (into an in_h x out_w intermediate) then vertical. Output
// pixel X samples the input at s = (X + 0.5) * in_size / out_size - 0.5 (centres aligned).
// Taps k = floor(s) - support + 1 ... floor(s) + support, coordinates clamped to the edges,
// weight w = K((k - s) / scale) with scale = max(1, in_size / out_size) (the kernel widens when
// shrinking) and support = ceil(kernel radius * scale); weights are normalised to sum to 1.
// Kernels: bicubic is Keys' cubic with a = -0.5 (radius 2); lanczos3 is sinc(x) sinc(x / 3)
// (radius 3). Anti-ringing, per pass: lo / hi = min / max of the input samples at floor(s) and
// floor(s) + 1 (clamped), then v += anti_ringing * (clamp(v, lo, hi) - v).
#pragma once

#include "kizuna/error.hpp"
#include "stages/planar.hpp"

namespace kizuna::stages {

enum class ResampleFilter { bicubic, lanczos3 };

// Kernel value at distance x (in kernel units).
float resample_kernel(ResampleFilter filter, float x) noexcept;
float resample_kernel_radius(ResampleFilter filter) noexcept;

// Resamples in to out's current size (out must be allocated; its size is the target).
// anti_ringing in [0, 1].
void resample_plane_ref(const Plane& in, Plane& out, ResampleFilter filter, float anti_ringing);

}  // namespace kizuna::stages
