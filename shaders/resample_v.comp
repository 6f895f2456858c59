#version 450
// Resampling, vertical pass (src/stages/resample.hpp): the fp32 intermediate [count][in_h][out_w]
// -> planes first..first+count-1 of an out_w x out_h frame, with per-pass anti-ringing and an
// optional clamp to [0, 1] (stage 3's final clamp). Taps as in resample_h.comp, over rows.
#include "common.glsl"

layout(constant_id = 2) const int kTaps = 1;
layout(constant_id = 3) const int kFirstPlane = 0;
layout(constant_id = 4) const int kPlanes = 3;

layout(std430, binding = 0) readonly buffer Mid { float mid[]; };
layout(std430, binding = 1) readonly buffer Taps { uint taps[]; };
layout(std430, binding = 2) buffer Dst { KZ_STORE dst[]; };
layout(push_constant) uniform Push {
    int out_w, out_h, in_h;
    float anti_ringing;
    int clamp01;  // 1: clamp the result to [0, 1]
} pc;

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= pc.out_w || p.y >= pc.out_h) return;
    const int th = pc.out_h * kTaps;
    const int lo_i = int(taps[2 * th + p.y]), hi_i = int(taps[2 * th + pc.out_h + p.y]);
    for (int c = 0; c < kPlanes; ++c) {
        const int base = c * pc.in_h * pc.out_w + p.x;
        float acc = 0.0;
        for (int t = 0; t < kTaps; ++t) {
            const int j = p.y * kTaps + t;
            acc += uintBitsToFloat(taps[th + j]) * mid[base + int(taps[j]) * pc.out_w];
        }
        const float a = mid[base + lo_i * pc.out_w], b = mid[base + hi_i * pc.out_w];
        const float cl = clamp(acc, min(a, b), max(a, b));
        float v = acc + pc.anti_ringing * (cl - acc);
        if (pc.clamp01 != 0) v = clamp(v, 0.0, 1.0);
        dst[(kFirstPlane + c) * pc.out_w * pc.out_h + p.y * pc.out_w + p.x] = KZ_STORE(v);
    }
}
