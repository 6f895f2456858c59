#version 450
// Output packing (src/stages/pack.hpp): frame planes -> interleaved RGBA, tight rows.
// encode_srgb: R, G, B go through the sRGB OETF after a clamp to [0, 1]. Then NaN -> 0, clamp
// to [0, 1]; rgba8 stores round-to-nearest-even(v * 255), rgba16f rounds to nearest even,
// rgba32f stores v.
#include "common.glsl"

layout(constant_id = 2) const int kFormat = 0;  // 0 rgba8, 1 rgba16f, 2 rgba32f

layout(std430, binding = 0) readonly buffer Src { KZ_STORE src[]; };
layout(std430, binding = 1) writeonly buffer Raw { uint raw[]; };
layout(push_constant) uniform Push {
    int width, height;
    int encode_srgb;
} pc;

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= pc.width || p.y >= pc.height) return;
    const int n = pc.width * pc.height;
    const int i = p.y * pc.width + p.x;
    vec4 v;
    for (int c = 0; c < 4; ++c) {
        float s = float(src[c * n + i]);
        if (pc.encode_srgb != 0 && c < 3) s = kz_linear_to_srgb(kz_clamp01(s));
        v[c] = kz_clamp01(s);
    }
    if (kFormat == 0) {
        const uvec4 b = uvec4(roundEven(v * 255.0));
        raw[i] = b.r | (b.g << 8) | (b.b << 16) | (b.a << 24);
    } else if (kFormat == 1) {
        raw[2 * i] = packHalf2x16(v.rg);
        raw[2 * i + 1] = packHalf2x16(v.ba);
    } else {
        raw[4 * i] = floatBitsToUint(v.r);
        raw[4 * i + 1] = floatBitsToUint(v.g);
        raw[4 * i + 2] = floatBitsToUint(v.b);
        raw[4 * i + 3] = floatBitsToUint(v.a);
    }
}
