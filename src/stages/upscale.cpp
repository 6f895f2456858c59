// The parts of stage 3 every backend shares (upscale.hpp, upscale_kernel.hpp).
#include "stages/upscale.hpp"

#include <fmt/format.h>

#include "stages/resample.hpp"
#include "stages/upscale_kernel.hpp"

namespace kizuna::stages {

int upscale_steps(int in_width, int in_height, int out_width, int out_height) noexcept {
    int steps = 0;
    int w = in_width, h = in_height;
    while (w * 2 <= out_width && h * 2 <= out_height && steps < 8) {
        w *= 2;
        h *= 2;
        ++steps;
    }
    return steps;
}

Result<void> check_upscale_size(const UpscaleParams& params) {
    if (params.out_width <= 0 || params.out_height <= 0) {
        return make_error(Errc::invalid_argument,
                          fmt::format("upscale: output size {}x{} is invalid", params.out_width,
                                      params.out_height));
    }
    return {};
}

Result<void> check_upscale_features(const FeatureMap& features, int width, int height) {
    if (features.width() != width || features.height() != height) {
        return make_error(Errc::invalid_argument,
                          fmt::format("upscale: feature map {}x{} does not match the frame {}x{}",
                                      features.width(), features.height(), width, height));
    }
    return {};
}

namespace upscale2x {

void lanczos3_weights(float f, float w[6]) {
    float sum = 0.0f;
    for (int k = 0; k < 6; ++k) {
        sum += w[k] = resample_kernel(ResampleFilter::lanczos3, static_cast<float>(k - 2) - f);
    }
    for (int k = 0; k < 6; ++k) w[k] /= sum;
}

}  // namespace upscale2x

}  // namespace kizuna::stages
