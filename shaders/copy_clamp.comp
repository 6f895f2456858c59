#version 450
// Stage 3 without a final resample: copies R, G, B of a frame into another of the same size,
// clamped to [0, 1] (src/stages/upscale.cpp). Alpha is not touched.
#include "common.glsl"

layout(push_constant) uniform Push {
    int width, height;
} pc;

layout(std430, binding = 0) readonly buffer Src { KZ_STORE src[]; };
layout(std430, binding = 1) buffer Dst { KZ_STORE dst[]; };

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= pc.width || p.y >= pc.height) return;
    const int n = pc.width * pc.height;
    const int i = p.y * pc.width + p.x;
    for (int c = 0; c < 3; ++c) dst[c * n + i] = KZ_STORE(clamp(float(src[c * n + i]), 0.0, 1.0));
}
