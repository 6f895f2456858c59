#version 450
// Stage 5, pass 1 (src/stages/temporal.hpp): per pixel D = mean over R, G, B of |E - H| into
// plane d, and per workgroup the sum of |Y(E) - Y(H)| into partial[workgroup] (for the
// scene-cut test). The workgroup must be 256 invocations (16 x 16). H is read rounded to fp16
// (the history is defined as the previous output rounded to fp16; with fp32 storage the buffer
// holds the unrounded output, which is also this stage's result).
#include "common.glsl"

layout(push_constant) uniform Push {
    int width, height;
} pc;

layout(std430, binding = 0) readonly buffer E { KZ_STORE e[]; };
layout(std430, binding = 1) readonly buffer H { KZ_STORE h[]; };
layout(std430, binding = 2) writeonly buffer D { float d[]; };
layout(std430, binding = 3) writeonly buffer Partial { float partial[]; };

shared float sums[256];

float hist(int i) {
#ifdef KZ_FP16
    return float(h[i]);
#else
    return kz_round_fp16(h[i]);
#endif
}

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    const uint lid = gl_LocalInvocationIndex;
    float luma_diff = 0.0;
    if (p.x < pc.width && p.y < pc.height) {
        const int n = pc.width * pc.height;
        const int i = p.y * pc.width + p.x;
        const vec3 ev = vec3(float(e[i]), float(e[n + i]), float(e[2 * n + i]));
        const vec3 hv = vec3(hist(i), hist(n + i), hist(2 * n + i));
        const vec3 ad = abs(ev - hv);
        precise float s = ad.x + ad.y;
        s = s + ad.z;
        d[i] = s * (1.0 / 3.0);
        luma_diff = abs(kz_luma(ev) - kz_luma(hv));
    }
    sums[lid] = luma_diff;
    barrier();
    for (uint s = 128u; s > 0u; s >>= 1) {
        if (lid < s) sums[lid] += sums[lid + s];
        barrier();
    }
    if (lid == 0u) partial[gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x] = sums[0];
}
