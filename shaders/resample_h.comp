#version 450
// Resampling, horizontal pass (src/stages/resample.hpp): planes first..first+count-1 of a
// in_w x in_h frame -> fp32 intermediate [count][in_h][out_w], with per-pass anti-ringing.
// Taps (precomputed on the CPU by ResampleTaps, exactly the reference's) are uint words:
// index[out_w * taps], weight bits[out_w * taps], lo[out_w], hi[out_w].
#include "common.glsl"

layout(constant_id = 2) const int kTaps = 1;
layout(constant_id = 3) const int kFirstPlane = 0;
layout(constant_id = 4) const int kPlanes = 3;

layout(std430, binding = 0) readonly buffer Src { KZ_STORE src[]; };
layout(std430, binding = 1) readonly buffer Taps { uint taps[]; };
layout(std430, binding = 2) writeonly buffer Mid { float mid[]; };
layout(push_constant) uniform Push {
    int out_w;  // dispatch width
    int in_h;   // dispatch height (rows of the intermediate)
    int in_w;
    float anti_ringing;
} pc;

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= pc.out_w || p.y >= pc.in_h) return;
    const int n = pc.in_w * pc.in_h;
    const int tw = pc.out_w * kTaps;
    const int lo_i = int(taps[2 * tw + p.x]), hi_i = int(taps[2 * tw + pc.out_w + p.x]);
    for (int c = 0; c < kPlanes; ++c) {
        const int row = (kFirstPlane + c) * n + p.y * pc.in_w;
        float acc = 0.0;
        for (int t = 0; t < kTaps; ++t) {
            const int j = p.x * kTaps + t;
            acc += uintBitsToFloat(taps[tw + j]) * float(src[row + int(taps[j])]);
        }
        const float a = float(src[row + lo_i]), b = float(src[row + hi_i]);
        const float cl = clamp(acc, min(a, b), max(a, b));
        mid[(c * pc.in_h + p.y) * pc.out_w + p.x] = acc + pc.anti_ringing * (cl - acc);
    }
}
