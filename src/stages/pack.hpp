// Output packing: planar float RGB(A) -> an interleaved RGBA image (RGBA8, RGBA16F or RGBA32F).
//
// The reference defines the result. Per value v (r, g, b, and alpha or 1 when the frame has no
// alpha): when encode_srgb, r, g and b first go through the sRGB OETF (linear-light chains, see
// enhance_color.hpp) after a clamp to [0, 1]; then NaN becomes 0 and v is clamped to [0, 1].
// RGBA8 stores v * 255 rounded to nearest even, RGBA16F rounds to nearest even, RGBA32F stores v.
#pragma once

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"

namespace kizuna::stages {

// The reference. out must have in's size (any stride, any format).
Result<void> pack_reference(const PlanarFrame& in, bool encode_srgb, ImageView out);

// The fast version (SIMD, rows over the pool). Identical to the reference (byte for byte)
// without encode_srgb; with it, within 1 code of RGBA8 and 2e-4 for float formats (the OETF is a
// piecewise cubic table, simd_pow.hpp). Allocates nothing.
Result<void> pack_cpu(const PlanarFrame& in, bool encode_srgb, ImageView out, ThreadPool& pool);

namespace pack_detail {

// Packs one row. rgb rows (and alpha, or null for opaque) are read in whole vectors up to
// round_up(width, 16), so they must be plane rows or buffers padded like them. dst receives
// exactly width pixels of format (nothing past them is written). Dispatches at run time.
void pack_row(const float* const rgb[3], const float* alpha, int width, bool encode_srgb,
              PixelFormat format, std::byte* dst);

}  // namespace pack_detail

}  // namespace kizuna::stages
