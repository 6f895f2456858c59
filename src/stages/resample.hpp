// Separable resampling of float planes to any size: the last step of stage 3 for factors that
// are not powers of two, and the alpha path. This header states the rule and holds the kernels
// and tap tables every backend builds from; the implementations are ref/resample.hpp (the
// definition of correct output), cpu/resample.hpp and the resample shaders (vk/upscale.cpp).
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

#include <vector>

namespace kizuna::stages {

enum class ResampleFilter { bicubic, lanczos3 };

// Kernel value at distance x (in kernel units).
float resample_kernel(ResampleFilter filter, float x) noexcept;
float resample_kernel_radius(ResampleFilter filter) noexcept;

// Precomputed taps of one axis.
struct ResampleTaps {
    int taps = 0;               // taps per output position
    int count = 0;              // output positions
    std::vector<int> index;     // [count * taps] input coordinate, clamped
    std::vector<float> weight;  // [count * taps] normalised weights
    std::vector<int> lo, hi;    // [count] the two nearest input samples (anti-ringing)
    // Allocates only when the sizes grow.
    void build(int in_size, int out_size, ResampleFilter filter);
};

}  // namespace kizuna::stages
