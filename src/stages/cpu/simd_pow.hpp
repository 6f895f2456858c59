// Tables for the fast power functions of the SIMD colour math (color_math-inl.h): x^p for x in
// [2^-15, 2), p fixed per table, as scale[e] * poly_k(t) where x = 2^e * m (m in [1, 2)), k is the
// top 4 bits of m's fraction (16 segments of [1, 2)) and t = m - (1 + k / 16) in [0, 1/16).
// poly_k is a cubic interpolating m^p at the four Chebyshev nodes of segment k (error < 1e-8
// relative for the exponents used here, so float rounding dominates: about 2e-7 relative).
#pragma once

namespace kizuna::stages {

struct PowTable {
    // Cubic coefficients per segment: poly_k(t) = ((c3[k] t + c2[k]) t + c1[k]) t + c0[k].
    alignas(64) float c0[16];
    alignas(64) float c1[16];
    alignas(64) float c2[16];
    alignas(64) float c3[16];
    // scale[i] = multiplier * 2^(p * (i - 15)): the exponent part for e = i - 15 in [-15, 0].
    alignas(64) float scale[16];
};

// Built once (thread-safe), never freed; all hold m^p on [1, 2) with the given exponent and
// multiplier on the scale.
const PowTable& pow_table_inv_2_4() noexcept;  // 1.055 * x^(1/2.4) (sRGB encode)
const PowTable& pow_table_cbrt() noexcept;     // x^(1/3)

// The sRGB decode ((c + 0.055) / 1.055)^2.4 on [0.04045, 1] as a polynomial of degree 8 in
// t = c * scale + offset (t in [-1, 1]): the Chebyshev interpolant at 9 nodes, converted to
// powers of t in double and rounded to float. Float Horner evaluation is within 1.1e-6 of the
// exact value (absolute) over the interval; the decode is smooth there, so one polynomial
// replaces the table lookups.
struct SrgbDecodePoly {
    float scale, offset;
    float c[9];  // c[k] multiplies t^k
};
const SrgbDecodePoly& srgb_decode_poly() noexcept;

}  // namespace kizuna::stages
