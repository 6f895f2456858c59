// Internals of stage 1 shared by the reference and the fast CPU version.
#pragma once

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// Largest denoise radius (stage_params.hpp range [1, 4]).
inline constexpr int max_denoise_radius = 4;

// Bilateral weights per normalize.hpp: spatial[(dy + r) * (2r + 1) + (dx + r)] and the factor
// of the squared colour distance inside exp() (= -1 / (2 sr^2)). Only for strength > 0.
struct DenoiseWeights {
    float spatial[(2 * max_denoise_radius + 1) * (2 * max_denoise_radius + 1)] = {};
    float range_scale = 0.0f;
};
DenoiseWeights denoise_weights(const NormalizeParams& params) noexcept;

// Checks an RGBA input of stage 1 (non-empty, stride large enough).
Result<void> validate_rgba(ConstImageView in);

}  // namespace kizuna::stages
