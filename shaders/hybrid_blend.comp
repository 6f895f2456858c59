#version 450
// Hybrid chain, the AI picture's steps 3-4 (src/stages/hybrid.hpp), in place over stage 3's
// frame: per R, G, B value, a = clamp01(AI) (NaN -> 0), through the sRGB EOTF when decode_srgb
// (a linear-light chain); then frame = blend ? strength * a + (1 - strength) * frame : a,
// evaluated as two products and their sum (precise: no fused multiply-add). Both frames have
// the output size; the frame's alpha plane is not touched.
#include "common.glsl"

layout(std430, binding = 0) readonly buffer Ai { KZ_STORE ai[]; };
layout(std430, binding = 1) buffer Frame { KZ_STORE frame[]; };
layout(push_constant) uniform Push {
    int width, height;
    float strength;
    int blend;        // 1: mix with the frame's colour; 0: replace it
    int decode_srgb;  // 1: the chain works in linear light
} pc;

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= pc.width || p.y >= pc.height) return;
    const int n = pc.width * pc.height;
    const int i = p.y * pc.width + p.x;
    for (int c = 0; c < 3; ++c) {
        float a = kz_clamp01(float(ai[c * n + i]));
        if (pc.decode_srgb != 0) a = kz_srgb_to_linear(a);
        if (pc.blend != 0) {
            precise float ai_part = pc.strength * a;
            precise float shader_part = (1.0 - pc.strength) * float(frame[c * n + i]);
            a = ai_part + shader_part;
        }
        frame[c * n + i] = KZ_STORE(a);
    }
}
