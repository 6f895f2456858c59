// Output packing reference: the rule of pack.hpp in plain C++, value by value; the definition of
// correct output.
#pragma once

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "stages/planar.hpp"

namespace kizuna::stages {

// Packs in into out, which must have in's size (any stride, any format).
Result<void> pack_ref(const PlanarFrame& in, bool encode_srgb, ImageView out);

}  // namespace kizuna::stages
