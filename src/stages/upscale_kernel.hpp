// The per-pixel math of the edge-directed x2 step, shared by the reference loop (upscale.cpp)
// and the fast CPU version. See upscale.hpp.
#pragma once

#include <algorithm>
#include <cmath>

#include "stages/stage_params.hpp"

namespace kizuna::stages {

struct UpscaleTuning {
    float base_a = -0.5f;          // cubic a of the base
    float dir_a = -0.5f;           // cubic a across the edge
    float tangent_len = 2.0f;      // support of the along-edge bump at coherence 1
    float e0 = 0.01f, e1 = 0.05f;  // edge strength ramp for the blend
    float coh_pow = 1.0f;
    float clamp_wide = 0.0f;  // 0: clamp to 2x2; 1: clamp to the 4x4 window
};
UpscaleTuning& upscale_tuning();

// Edge orientation and blend weight for one output pixel.
struct Steer {
    float nx = 1, ny = 0;  // unit vector across the edge
    float alpha = 0;       // weight of the directional estimate against the base, [0, 1]
    float stretch = 1;     // along-edge support of the directional kernel
};

inline float cubic_kernel(float x, float a) {
    x = std::fabs(x);
    if (x < 1.0f) return ((a + 2.0f) * x - (a + 3.0f)) * x * x + 1.0f;
    if (x < 2.0f) return (((x - 5.0f) * x + 8.0f) * x - 4.0f) * a;
    return 0.0f;
}

// g: gradients (gx, gy) of the 2x2 low-res pixels around the output position.
inline Steer steer_from_gradients(const float g[4][2], const UpscaleParams& params) {
    const UpscaleTuning& t = upscale_tuning();
    float jxx = 0, jxy = 0, jyy = 0;
    for (int k = 0; k < 4; ++k) {
        jxx += g[k][0] * g[k][0];
        jxy += g[k][0] * g[k][1];
        jyy += g[k][1] * g[k][1];
    }
    jxx *= 0.25f;
    jxy *= 0.25f;
    jyy *= 0.25f;
    const float diff = jxx - jyy;
    const float root = std::sqrt(diff * diff + 4.0f * jxy * jxy);
    const float trace = jxx + jyy;
    Steer st;
    if (root <= 1e-12f) return st;
    const float c2 = diff / root;  // cos(2 theta)
    st.nx = std::sqrt(std::max(0.0f, 0.5f * (1.0f + c2)));
    st.ny = std::sqrt(std::max(0.0f, 0.5f * (1.0f - c2)));
    if (jxy < 0.0f) st.ny = -st.ny;
    const float coherence = root / (trace + 1e-12f);
    const float strength = std::sqrt(0.5f * (trace + root));  // sqrt(lambda1)
    const float ramp = std::clamp((strength - t.e0) / (t.e1 - t.e0), 0.0f, 1.0f);
    const float coh = std::pow(coherence, t.coh_pow);
    st.alpha = std::clamp(params.edge_sharpness * coh * ramp, 0.0f, 1.0f);
    st.stretch = 1.0f + (t.tangent_len - 1.0f) * coh;
    return st;
}

// win: the 4x4 low-res samples at columns i0-1..i0+2, rows j0-1..j0+2 (clamped), where the
// output position is (i0 + fx, j0 + fy), fx = 0.75 when px = 0 else 0.25 (same for y).
inline float upscale2x_pixel(const float win[4][4], int px, int py, const Steer& st,
                             const UpscaleParams& params) {
    const UpscaleTuning& t = upscale_tuning();
    const float fx = px ? 0.25f : 0.75f, fy = py ? 0.25f : 0.75f;
    float wx[4], wy[4];
    for (int k = 0; k < 4; ++k) {
        wx[k] = cubic_kernel(static_cast<float>(k - 1) - fx, t.base_a);
        wy[k] = cubic_kernel(static_cast<float>(k - 1) - fy, t.base_a);
    }
    float base = 0.0f;
    for (int l = 0; l < 4; ++l) {
        float row = 0.0f;
        for (int k = 0; k < 4; ++k) row += wx[k] * win[l][k];
        base += wy[l] * row;
    }
    float v = base;
    if (st.alpha > 0.0f) {
        float sw = 0.0f, acc = 0.0f;
        for (int l = 0; l < 4; ++l) {
            const float dy = static_cast<float>(l - 1) - fy;
            for (int k = 0; k < 4; ++k) {
                const float dx = static_cast<float>(k - 1) - fx;
                const float across = dx * st.nx + dy * st.ny;
                const float along = (dx * -st.ny + dy * st.nx) / st.stretch;
                const float bump = std::max(0.0f, 1.0f - along * along * 0.25f);
                const float wgt = cubic_kernel(across, t.dir_a) * bump * bump;
                sw += wgt;
                acc += wgt * win[l][k];
            }
        }
        if (sw > 1e-3f) v = base + st.alpha * (acc / sw - base);
    }
    float lo = std::min(std::min(win[1][1], win[1][2]), std::min(win[2][1], win[2][2]));
    float hi = std::max(std::max(win[1][1], win[1][2]), std::max(win[2][1], win[2][2]));
    if (t.clamp_wide > 0.0f) {
        float wlo = lo, whi = hi;
        for (int l = 0; l < 4; ++l) {
            for (int k = 0; k < 4; ++k) {
                wlo = std::min(wlo, win[l][k]);
                whi = std::max(whi, win[l][k]);
            }
        }
        lo += t.clamp_wide * (wlo - lo);
        hi += t.clamp_wide * (whi - hi);
    }
    const float c = std::clamp(v, lo, hi);
    return v + params.anti_ringing * (c - v);
}

}  // namespace kizuna::stages
