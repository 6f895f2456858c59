#version 450
// dst[i] = src[i] * scale + bias over a width x height plane (tight rows). A self-test of the
// GPU layer: buffers, push constants, specialization constants, both storage precisions.
#include "common.glsl"

layout(constant_id = 2) const uint kWidth = 1;
layout(constant_id = 3) const uint kHeight = 1;

layout(std430, binding = 0) readonly buffer Src { KZ_STORE src[]; };
layout(std430, binding = 1) writeonly buffer Dst { KZ_STORE dst[]; };
layout(push_constant) uniform Push {
    float scale;
    float bias;
} pc;

void main() {
    const uvec2 p = gl_GlobalInvocationID.xy;
    if (p.x >= kWidth || p.y >= kHeight) return;
    const uint i = p.y * kWidth + p.x;
    dst[i] = KZ_STORE(float(src[i]) * pc.scale + pc.bias);
}
