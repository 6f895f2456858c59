#version 450
// Stage 5, pass 3 (src/stages/temporal.hpp step 3): out = E + w (H - E), w from the 3x3 sum of
// D; or out = E when state[0] says reset. Alpha is copied from E. out becomes the next history.
// Evaluated with the float operations temporal.hpp states (precise: no reassociation or
// contraction into fma). H is read rounded to fp16 (see temporal_diff.comp).
#include "common.glsl"

layout(std430, binding = 0) readonly buffer E { KZ_STORE e[]; };
layout(std430, binding = 1) readonly buffer H { KZ_STORE h[]; };
layout(std430, binding = 2) readonly buffer D { float d[]; };
layout(std430, binding = 3) readonly buffer State { uint state[]; };
layout(std430, binding = 4) writeonly buffer Out { KZ_STORE o[]; };
layout(push_constant) uniform Push {
    int width, height;
    float strength;
    float slope;  // k = 2 strength / (9 motion_threshold), computed on the host
} pc;

float hist(int i) {
#ifdef KZ_FP16
    return float(h[i]);
#else
    return kz_round_fp16(h[i]);
#endif
}

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= pc.width || p.y >= pc.height) return;
    const int n = pc.width * pc.height;
    const int i = p.y * pc.width + p.x;
    o[3 * n + i] = e[3 * n + i];
    if (state[0] != 0u) {
        for (int c = 0; c < 3; ++c) o[c * n + i] = e[c * n + i];
        return;
    }
    const int xl = max(p.x - 1, 0), xr = min(p.x + 1, pc.width - 1);
    precise float s = 0.0;
    for (int dy = -1; dy <= 1; ++dy) {
        const int row = clamp(p.y + dy, 0, pc.height - 1) * pc.width;
        precise float r = d[row + xl] + d[row + p.x];
        r = r + d[row + xr];
        s = dy == -1 ? r : s + r;
    }
    precise float sk = s * pc.slope;
    precise float w = 2.0 * pc.strength - sk;
    w = min(max(w, 0.0), pc.strength);
    for (int c = 0; c < 3; ++c) {
        const float ev = float(e[c * n + i]);
        precise float hd = hist(c * n + i) - ev;
        precise float step = w * hd;
        precise float v = ev + step;
#ifdef KZ_FP16
        o[c * n + i] = KZ_STORE(kz_round_fp16(v));  // exact: the conversion's rounding is moot
#else
        o[c * n + i] = v;
#endif
    }
}
