// The resampling kernels and tap tables every backend shares (resample.hpp).
#include "stages/resample.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace kizuna::stages {

float resample_kernel_radius(ResampleFilter filter) noexcept {
    return filter == ResampleFilter::lanczos3 ? 3.0f : 2.0f;
}

float resample_kernel(ResampleFilter filter, float x) noexcept {
    x = std::fabs(x);
    if (filter == ResampleFilter::bicubic) {
        constexpr float a = -0.5f;
        if (x < 1.0f) return ((a + 2.0f) * x - (a + 3.0f)) * x * x + 1.0f;
        if (x < 2.0f) return (((x - 5.0f) * x + 8.0f) * x - 4.0f) * a;
        return 0.0f;
    }
    if (x < 1e-6f) return 1.0f;
    if (x >= 3.0f) return 0.0f;
    const float px = std::numbers::pi_v<float> * x;
    return 3.0f * std::sin(px) * std::sin(px / 3.0f) / (px * px);
}

void ResampleTaps::build(int in_size, int out_size, ResampleFilter filter) {
    const float ratio = static_cast<float>(in_size) / static_cast<float>(out_size);
    const float scale = std::max(1.0f, ratio);
    const int support = static_cast<int>(std::ceil(resample_kernel_radius(filter) * scale));
    taps = 2 * support;
    count = out_size;
    index.resize(static_cast<size_t>(out_size) * taps);
    weight.resize(static_cast<size_t>(out_size) * taps);
    lo.resize(static_cast<size_t>(out_size));
    hi.resize(static_cast<size_t>(out_size));
    for (int o = 0; o < out_size; ++o) {
        const float s = (static_cast<float>(o) + 0.5f) * ratio - 0.5f;
        const int base = static_cast<int>(std::floor(s));
        float sum = 0.0f;
        for (int t = 0; t < taps; ++t) {
            const int k = base - support + 1 + t;
            const float wgt = resample_kernel(filter, (static_cast<float>(k) - s) / scale);
            index[static_cast<size_t>(o) * taps + t] = std::clamp(k, 0, in_size - 1);
            weight[static_cast<size_t>(o) * taps + t] = wgt;
            sum += wgt;
        }
        for (int t = 0; t < taps; ++t) weight[static_cast<size_t>(o) * taps + t] /= sum;
        lo[o] = std::clamp(base, 0, in_size - 1);
        hi[o] = std::clamp(base + 1, 0, in_size - 1);
    }
}

}  // namespace kizuna::stages
