// GLSL shared by every pass of the mpv user-shader file (each pass is its own shader, so this is
// written in front of each body). It uses only what mpv and libplacebo both define for a bound
// hooked texture: HOOKED_raw (sampler2D), HOOKED_size (vec2, texels) and HOOKED_mul (the factor
// that brings sampled values to [0, 1]).
//   kz_size()          the hooked texture's size in texels
//   kz_load(q)         the texel at q, coordinates clamped to the texture (the stages' border rule)
//   kz_luma(c)         BT.709 luma of the values as given (stages/color.hpp)
//   kz_clamp01(v)      clamp to [0, 1] with NaN -> 0
//   kz_srgb_to_linear, kz_linear_to_srgb: the sRGB transfer (inputs in [0, 1])
#pragma once

#include <string_view>

namespace kizuna::stages::mpv {

extern const std::string_view glsl_common;

}  // namespace kizuna::stages::mpv
