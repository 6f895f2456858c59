// Conversions between interleaved RGBA images ("textures") and planar RGB FP32 tensors, exactly
// as the export path needs them. Values are copied as they are: no colour-space change.
#pragma once

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "kizuna/tensor.hpp"

namespace kizuna {

// texture -> tensor. Writes R, G, B of src into planes 0..2 of dst (dst.channels must be 3 and
// its size must match src). RGBA8 is widened as v / 255, RGBA16F exactly, RGBA32F copied.
// If alpha is non-null, the alpha channel is written there as a packed width*height plane with
// the same widening; otherwise it is dropped.
Result<void> image_to_tensor(ConstImageView src, TensorView dst, float* alpha = nullptr);

// tensor -> texture. Reads planes 0..2 of src into R, G, B of dst, clamped to [0, 1] (NaN
// becomes 0). Alpha comes from the packed plane alpha when non-null (same clamp), else 1.0.
// dst's format picks the precision: RGBA8 rounds to nearest (v * 255), RGBA16F rounds to
// nearest even, RGBA32F is exact.
Result<void> tensor_to_image(ConstTensorView src, ImageView dst, const float* alpha = nullptr);

// Any format -> any format, same size, values clamped to [0, 1] when narrowing to RGBA8.
Result<void> convert_image(ConstImageView src, ImageView dst);

}  // namespace kizuna
