#version 450
// Hybrid chain, the model's input (src/stages/hybrid.hpp): R, G, B of a frame -> fp32 planes
// [3][height][width] (tight), each value NaN -> 0 and clamped to [0, 1]; with encode_srgb (a
// linear-light chain) then through the sRGB OETF and clamped again, as output packing encodes.
#include "common.glsl"

layout(std430, binding = 0) readonly buffer Src { KZ_STORE src[]; };
layout(std430, binding = 1) writeonly buffer Dst { float dst[]; };
layout(push_constant) uniform Push {
    int width, height;
    int encode_srgb;
} pc;

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= pc.width || p.y >= pc.height) return;
    const int n = pc.width * pc.height;
    const int i = p.y * pc.width + p.x;
    for (int c = 0; c < 3; ++c) {
        float v = kz_clamp01(float(src[c * n + i]));
        if (pc.encode_srgb != 0) v = kz_clamp01(kz_linear_to_srgb(v));
        dst[c * n + i] = v;
    }
}
