// Stage 4, perceptual enhancement: adaptive sharpening with halo suppression, line darkening on
// line-art pixels, an S-curve contrast around mid grey and an OKLab chroma (saturation) scale.
//
// This header states the rule; the implementations are ref/enhance.hpp (the definition of correct
// output), cpu/enhance.hpp and vk/enhance.hpp. Per pixel, in this order (each step skipped at its
// neutral value, so neutral parameters copy the input exactly):
//  1. sharpen > 0, per channel c with 3x3 neighbourhood (edges clamped) mean m, min lo, max hi:
//       a = clamp((hi - lo - 1/255) * 255/4, 0, 1)       (no sharpening of noise-level detail)
//       c = clamp(c + sharpen * a * (c - m), lo, hi)     (never beyond the local range: no halo)
//  2. line_darken > 0 and the pixel's class is line art: c *= 1 - enhance_line_darken_scale *
//     line_darken. The class map may have another size than the frame (stage 2 runs before the
//     upscale): pixel (x, y) reads class (x * fw / w, y * fh / h) (nearest, integer division).
//  3. contrast > 0, per channel, with k = clamp(c, 0, 1):
//       c = c + contrast * (k * k * (3 - 2 * k) - k)     (monotone S-curve, fixed at 0, 1/2, 1)
//  4. saturation != 1: clamp to [0, 1], decode the sRGB transfer (unless linear_input), OKLab,
//     a and b times saturation, back to linear RGB clamped to [0, 1], re-encode. L is kept.
// Alpha is copied unchanged.
#pragma once

#include "stages/stage_params.hpp"

namespace kizuna::stages {

inline constexpr float enhance_line_darken_scale = 0.5f;

// True when p changes nothing (every step at its neutral value).
inline bool enhance_is_identity(const EnhanceParams& p) noexcept {
    return p.contrast == 0.0f && p.line_darken == 0.0f && p.saturation == 1.0f && p.sharpen == 0.0f;
}

}  // namespace kizuna::stages
