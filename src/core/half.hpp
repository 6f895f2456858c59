// IEEE 754 binary16 <-> binary32 conversion in plain C++ (the reference; bit-exact).
#pragma once

#include <bit>
#include <cstdint>

namespace kizuna {

// Exact: every binary16 value (including subnormals, infinities and NaN payloads) maps to the
// binary32 value it denotes.
inline float half_to_float(uint16_t h) noexcept {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    uint32_t bits;
    if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (mant << 13);  // inf or NaN (payload kept)
    } else if (exp != 0) {
        bits = sign | ((exp + 112) << 23) | (mant << 13);
    } else if (mant == 0) {
        bits = sign;  // +-0
    } else {
        // Subnormal: normalise the mantissa.
        int e = -1;
        do {
            ++e;
            mant <<= 1;
        } while ((mant & 0x400u) == 0);
        bits = sign | static_cast<uint32_t>(112 - e) << 23 | ((mant & 0x3ffu) << 13);
    }
    return std::bit_cast<float>(bits);
}

// Rounds to nearest, ties to even. Overflow gives infinity; NaN stays NaN (quiet, top payload
// bits kept) so half -> float -> half is the identity on every bit pattern.
inline uint16_t float_to_half(float f) noexcept {
    const uint32_t x = std::bit_cast<uint32_t>(f);
    const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    const uint32_t exp = (x >> 23) & 0xffu;
    const uint32_t mant = x & 0x7fffffu;
    if (exp == 0xff) {
        if (mant == 0) return sign | 0x7c00u;
        uint16_t m = static_cast<uint16_t>(mant >> 13);
        return sign | 0x7c00u | (m ? m : 0x200u);
    }
    const int e = static_cast<int>(exp) - 127 + 15;
    if (e >= 0x1f) return sign | 0x7c00u;  // overflow
    if (e <= 0) {
        if (e < -10) return sign;  // underflows to zero
        const uint32_t m = mant | 0x800000u;
        const int shift = 14 - e;
        uint32_t r = m >> shift;
        const uint32_t rem = m & ((1u << shift) - 1);
        const uint32_t half = 1u << (shift - 1);
        if (rem > half || (rem == half && (r & 1u))) ++r;
        return sign | static_cast<uint16_t>(r);
    }
    uint32_t r = (static_cast<uint32_t>(e) << 10) | (mant >> 13);
    const uint32_t rem = mant & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (r & 1u))) ++r;  // may carry into the exponent: ok
    return sign | static_cast<uint16_t>(r);
}

}  // namespace kizuna
