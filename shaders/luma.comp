#version 450
// Stage 2, step 1 (src/stages/reconstruct.hpp): luma of the frame into plane 3 of the feature
// map, L = 0.2126 R + 0.7152 G + 0.0722 B.
#include "common.glsl"

layout(push_constant) uniform Push {
    int width, height;
} pc;

layout(std430, binding = 0) readonly buffer Src { KZ_STORE src[]; };
layout(std430, binding = 1) buffer Feat { float feat[]; };

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= pc.width || p.y >= pc.height) return;
    const int n = pc.width * pc.height;
    const int i = p.y * pc.width + p.x;
    const float r = float(src[i]), g = float(src[n + i]), b = float(src[2 * n + i]);
    feat[3 * n + i] = 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
