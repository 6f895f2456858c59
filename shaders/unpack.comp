#version 450
// Stage 1, first half (src/stages/normalize.hpp steps 1-2, and 4 when there is no denoise):
// interleaved RGBA (rgba8 / rgba16f / rgba32f, tight rows) -> frame planes, each value clamped
// to [0, 1] with NaN -> 0. Alpha is always written (1 for opaque input).
#include "common.glsl"

layout(constant_id = 2) const int kFormat = 0;  // 0 rgba8, 1 rgba16f, 2 rgba32f

layout(std430, binding = 0) readonly buffer Raw { uint raw[]; };
layout(std430, binding = 1) writeonly buffer Dst { KZ_STORE dst[]; };
layout(push_constant) uniform Push {
    int width, height;
    int linear_light;  // 1: apply the inverse sRGB transfer to R, G, B
} pc;

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= pc.width || p.y >= pc.height) return;
    const int i = p.y * pc.width + p.x;
    vec4 v;
    if (kFormat == 0) {
        const uint w = raw[i];
        v = vec4(float(w & 255u), float((w >> 8) & 255u), float((w >> 16) & 255u),
                 float(w >> 24)) / 255.0;
    } else if (kFormat == 1) {
        v = vec4(unpackHalf2x16(raw[2 * i]), unpackHalf2x16(raw[2 * i + 1]));
    } else {
        v = vec4(uintBitsToFloat(raw[4 * i]), uintBitsToFloat(raw[4 * i + 1]),
                 uintBitsToFloat(raw[4 * i + 2]), uintBitsToFloat(raw[4 * i + 3]));
    }
    const int n = pc.width * pc.height;
    for (int c = 0; c < 4; ++c) {
        float x = kz_clamp01(v[c]);
        if (c < 3 && pc.linear_light != 0) x = kz_srgb_to_linear(x);
        dst[c * n + i] = KZ_STORE(x);
    }
}
