#version 450
// Stage 5, pass 2: sums the per-workgroup partials of temporal_diff and decides whether this
// frame resets the history: state[0] = 1 when there is no usable history or the mean absolute
// luma difference exceeds the scene-cut threshold, else 0. One workgroup of 256 x 1.
#include "common.glsl"

layout(std430, binding = 0) readonly buffer Partial { float partial[]; };
layout(std430, binding = 1) writeonly buffer State { uint state[]; };
layout(push_constant) uniform Push {
    int count;         // number of partials
    float inv_pixels;  // 1 / (width * height)
    float scene_cut_threshold;
    int has_history;   // 0: reset regardless
} pc;

shared float sums[256];

void main() {
    const uint lid = gl_LocalInvocationIndex;
    float s = 0.0;
    for (int i = int(lid); i < pc.count; i += 256) s += partial[i];
    sums[lid] = s;
    barrier();
    for (uint k = 128u; k > 0u; k >>= 1) {
        if (lid < k) sums[lid] += sums[lid + k];
        barrier();
    }
    if (lid == 0u) {
        const bool cut = sums[0] * pc.inv_pixels > pc.scene_cut_threshold;
        state[0] = (pc.has_history == 0 || cut) ? 1u : 0u;
    }
}
