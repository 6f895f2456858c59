// Scalar colour math the stage rules are written in: luma, the sRGB and BT.709 transfers and the
// OKLab chroma scale. Plain C++, the definition of correct output; the references and the tests
// use it (the fast CPU backend has SIMD approximations in cpu/color_math-inl.h, the shaders their
// own GLSL).
#pragma once

#include <algorithm>
#include <cmath>

namespace kizuna::stages::color {

// A sample made safe to store: NaN -> 0, then clamped to [0, 1].
inline float sanitize(float v) noexcept {
    return v == v ? std::clamp(v, 0.0f, 1.0f) : 0.0f;
}

// Luma with BT.709 weights, of the frame as given (gamma-encoded or linear): stages 2 and 5.
inline float luma_of(float r, float g, float b) noexcept {
    return 0.2126f * r + 0.7152f * g + 0.0722f * b;
}

// sRGB (IEC 61966-2-1) transfer. Inputs in [0, 1].
inline float srgb_to_linear(float c) noexcept {
    return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f);
}
inline float linear_to_srgb(float l) noexcept {
    return l <= 0.0031308f ? l * 12.92f : 1.055f * std::pow(l, 1.0f / 2.4f) - 0.055f;
}

// BT.709 / BT.2020 inverse OETF (the transfer of video). Input in [0, 1].
inline float bt709_to_linear(float v) noexcept {
    return v < 0.081f ? v / 4.5f : std::pow((v + 0.099f) / 1.099f, 1.0f / 0.45f);
}

// Linear sRGB -> LMS (the first OKLab matrix, Ottosson 2020).
inline void linear_to_lms(float r, float g, float b, float& l, float& m, float& s) noexcept {
    l = 0.4122214708f * r + 0.5363325363f * g + 0.0514459929f * b;
    m = 0.2119034982f * r + 0.6806995451f * g + 0.1073969566f * b;
    s = 0.0883024619f * r + 0.2817188376f * g + 0.6299787005f * b;
}
inline void lms_to_linear(float l, float m, float s, float& r, float& g, float& b) noexcept {
    r = 4.0767416621f * l - 3.3077115913f * m + 0.2309699292f * s;
    g = -1.2684380046f * l + 2.6097574011f * m - 0.3413193965f * s;
    b = -0.0041960863f * l - 0.7034186147f * m + 1.7076147010f * s;
}
// OKLab lightness from cube-rooted LMS.
inline float oklab_lightness(float l_, float m_, float s_) noexcept {
    return 0.2104542553f * l_ + 0.7936177850f * m_ - 0.0040720468f * s_;
}

// Full OKLab of linear RGB (used by tests to check what saturation keeps).
inline void linear_to_oklab(float r, float g, float b, float& L, float& A, float& B) noexcept {
    float l, m, s;
    linear_to_lms(r, g, b, l, m, s);
    const float l_ = std::cbrt(l), m_ = std::cbrt(m), s_ = std::cbrt(s);
    L = oklab_lightness(l_, m_, s_);
    A = 1.9779984951f * l_ - 2.4285922050f * m_ + 0.4505937099f * s_;
    B = 0.0259040371f * l_ + 0.7827717662f * m_ - 0.8086757660f * s_;
}

// Scales OKLab chroma (a, b) of a linear RGB colour by sat, keeping L. Because the OKLab inverse
// is linear in (L, a, b), scaling a and b is the same as moving each cube-rooted LMS component
// toward L: x_' = L + sat * (x_ - L). The result is clamped to [0, 1].
inline void scale_chroma_linear(float& r, float& g, float& b, float sat) noexcept {
    float l, m, s;
    linear_to_lms(r, g, b, l, m, s);
    const float l_ = std::cbrt(l), m_ = std::cbrt(m), s_ = std::cbrt(s);
    const float L = oklab_lightness(l_, m_, s_);
    const float l2 = L + sat * (l_ - L), m2 = L + sat * (m_ - L), s2 = L + sat * (s_ - L);
    lms_to_linear(l2 * l2 * l2, m2 * m2 * m2, s2 * s2 * s2, r, g, b);
    r = std::clamp(r, 0.0f, 1.0f);
    g = std::clamp(g, 0.0f, 1.0f);
    b = std::clamp(b, 0.0f, 1.0f);
}

}  // namespace kizuna::stages::color
