// Output packing: planar float RGB(A) -> an interleaved RGBA image (RGBA8, RGBA16F or RGBA32F).
//
// This header states the rule; the implementations are ref/pack.hpp (the definition of correct
// output), cpu/pack.hpp and vk/pack.hpp. Per value v (r, g, b, and alpha or 1 when the frame has no
// alpha): when encode_srgb, r, g and b first go through the sRGB OETF (linear-light chains, see
// color.hpp) after a clamp to [0, 1]; then NaN becomes 0 and v is clamped to [0, 1].
// RGBA8 stores v * 255 rounded to nearest even, RGBA16F rounds to nearest even, RGBA32F stores v.
#pragma once

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "stages/planar.hpp"

namespace kizuna::stages {

// Checks that out has in's size (any stride, any format); the message names both sizes.
Result<void> check_pack_io(const PlanarFrame& in, ImageView out);

}  // namespace kizuna::stages
