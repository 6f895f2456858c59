// Constants and per-pixel math of the edge-directed x2 step (the rule is in upscale.hpp), shared
// by every backend: the reference loop (ref/upscale.cpp), the fast CPU rows (cpu/upscale.cpp,
// cpu/upscale_row2x.cpp) and the Vulkan step, which gets the constants and weights as push
// constants (vk/upscale.cpp).
#pragma once

#include <algorithm>
#include <cmath>

#include "stages/stage_params.hpp"

namespace kizuna::stages::upscale2x {

inline constexpr float edge_lo = 0.01f;  // structure strength where the directional blend starts
inline constexpr float edge_hi = 0.06f;  // ... and where it is complete
inline constexpr float align_lo = 0.3f;  // diagonal alignment where the blend starts (1 = exact)
inline constexpr float tiny = 1e-12f;

// Keys' cubic with a = -0.5 (Catmull-Rom), used along the diagonal.
inline float catmull_rom(float x) {
    x = std::fabs(x);
    if (x < 1.0f) return (1.5f * x - 2.5f) * x * x + 1.0f;
    if (x < 2.0f) return ((-0.5f * x + 2.5f) * x - 4.0f) * x + 2.0f;
    return 0.0f;
}

// Normalised lanczos3 weights of the six taps -2..3 around phase f (f = 0.25 or 0.75); in
// upscale.cpp.
void lanczos3_weights(float f, float w[6]);

// Blend weights of one 2x2 cell: the four low-res pixels (i0..i0+1, j0..j0+1) with gradients
// g[k] = (gx, gy). Returns the weight of the diagonal estimate for output pixels on the main
// diagonal (*w_main) and on the anti-diagonal (*w_anti), each in [0, 1].
inline void cell_weights(const float gx[4], const float gy[4], float edge_sharpness, float* w_main,
                         float* w_anti) {
    float jxx = 0, jxy = 0, jyy = 0;
    for (int k = 0; k < 4; ++k) {
        jxx += gx[k] * gx[k];
        jxy += gx[k] * gy[k];
        jyy += gy[k] * gy[k];
    }
    jxx *= 0.25f;
    jxy *= 0.25f;
    jyy *= 0.25f;
    const float diff = jxx - jyy;
    const float root = std::sqrt(diff * diff + 4.0f * jxy * jxy);
    const float trace = jxx + jyy;
    if (!(root > tiny)) {
        *w_main = *w_anti = 0.0f;
        return;
    }
    const float coherence = root / (trace + tiny);
    const float strength = std::sqrt(0.5f * (trace + root));
    const float ramp = std::clamp((strength - edge_lo) / (edge_hi - edge_lo), 0.0f, 1.0f);
    const float alpha = std::clamp(edge_sharpness * coherence * ramp, 0.0f, 1.0f);
    const float s2 = 2.0f * jxy / root;  // sin(2 theta) of the gradient direction
    const float align_main = 0.5f * (1.0f - s2);
    const float align_anti = 0.5f * (1.0f + s2);
    *w_main = alpha * std::clamp((align_main - align_lo) / (1.0f - align_lo), 0.0f, 1.0f);
    *w_anti = alpha * std::clamp((align_anti - align_lo) / (1.0f - align_lo), 0.0f, 1.0f);
}

// Final value of one output pixel from its base, its diagonal estimate, the blend weight, and
// the 2x2 nearest low-res samples a, b, c, d.
inline float finish_pixel(float base, float diag, float w, float a, float b, float c, float d,
                          float anti_ringing) {
    const float v = base + w * (diag - base);
    const float lo = std::min(std::min(a, b), std::min(c, d));
    const float hi = std::max(std::max(a, b), std::max(c, d));
    const float cl = std::min(std::max(v, lo), hi);
    return v + anti_ringing * (cl - v);
}

}  // namespace kizuna::stages::upscale2x
