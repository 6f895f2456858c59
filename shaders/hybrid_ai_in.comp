#version 450
// Hybrid chain, the AI picture's step 1 (src/stages/hybrid.hpp): the model's output as uploaded
// (fp32 planes [3][height][width], tight) -> R, G, B of a frame of the same size, each value
// NaN -> 0 and clamped to [0, 1]. The frame's alpha plane is not written.
#include "common.glsl"

layout(std430, binding = 0) readonly buffer Src { float src[]; };
layout(std430, binding = 1) writeonly buffer Dst { KZ_STORE dst[]; };
layout(push_constant) uniform Push {
    int width, height;
} pc;

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= pc.width || p.y >= pc.height) return;
    const int n = pc.width * pc.height;
    const int i = p.y * pc.width + p.x;
    for (int c = 0; c < 3; ++c) dst[c * n + i] = KZ_STORE(kz_clamp01(src[c * n + i]));
}
