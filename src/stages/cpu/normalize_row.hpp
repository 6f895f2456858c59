// Row kernels of the fast stage 1 (cpu/normalize.hpp) written with Highway (runtime dispatch to
// the best SIMD target of the machine).
#pragma once

#include <cstdint>

namespace kizuna::stages::normalize_detail {

// Decodes pixels [0, w) of an RGBA8 row: r[x] = src[4x] / 255.0f, g, b likewise, and a[x] from
// src[4x + 3] when a is not null; bit-identical to the division (the reference's arithmetic).
// r, g, b, a: 64-byte aligned rows with room for w rounded up to 16 floats (plane rows); values
// past w are unspecified. src holds exactly 4w bytes (nothing past them is read). Returns true
// when some alpha byte of the row is below 255 (alpha < 1).
bool decode_rgba8_row(const uint8_t* src, int w, float* r, float* g, float* b, float* a);

}  // namespace kizuna::stages::normalize_detail
