#version 450
// Stage 5, pass 3 (src/stages/temporal.hpp step 3): out = E + w (H - E), w from the 3x3 mean of
// D; or out = E when state[0] says reset. Alpha is copied from E. out becomes the next history.
#include "common.glsl"


layout(std430, binding = 0) readonly buffer E { KZ_STORE e[]; };
layout(std430, binding = 1) readonly buffer H { KZ_STORE h[]; };
layout(std430, binding = 2) readonly buffer D { float d[]; };
layout(std430, binding = 3) readonly buffer State { uint state[]; };
layout(std430, binding = 4) writeonly buffer Out { KZ_STORE o[]; };
layout(push_constant) uniform Push {
    int width, height;
    float strength;
    float motion_threshold;
} pc;

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
    float m = 0.0;
    for (int dy = -1; dy <= 1; ++dy) {
        const int yy = clamp(p.y + dy, 0, pc.height - 1);
        for (int dx = -1; dx <= 1; ++dx) m += d[yy * pc.width + clamp(p.x + dx, 0, pc.width - 1)];
    }
    m *= 1.0 / 9.0;
    const float t = pc.motion_threshold;
    const float w = pc.strength * clamp((t - m) * (2.0 / t), 0.0, 1.0);
    for (int c = 0; c < 3; ++c) {
        const float ev = float(e[c * n + i]);
        o[c * n + i] = KZ_STORE(ev + w * (float(h[c * n + i]) - ev));
    }
}
