// Fast CPU output packing (pack.hpp): Highway SIMD rows (runtime dispatch) over the thread pool.
// The row kernel is also run by the fused pass of the CPU preview chain (cpu/preview_pass.hpp).
#pragma once

#include <cstddef>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"

namespace kizuna::stages {

// The contract of pack_ref (ref/pack.hpp). Identical to it (byte for byte) without encode_srgb;
// with it, within 1 code of RGBA8 and 2e-4 for float formats (the OETF is a piecewise cubic
// table, simd_pow.hpp). Allocates nothing.
Result<void> pack_cpu(const PlanarFrame& in, bool encode_srgb, ImageView out, ThreadPool& pool);

namespace pack_detail {

// Packs one row. rgb rows (and alpha, or null for opaque) are read in whole vectors up to
// round_up(width, 16), so they must be plane rows or buffers padded like them. dst receives
// exactly width pixels of format (nothing past them is written). Dispatches at run time.
void pack_row(const float* const rgb[3], const float* alpha, int width, bool encode_srgb,
              PixelFormat format, std::byte* dst);

}  // namespace pack_detail

}  // namespace kizuna::stages
