#version 450
// Pooling (PoolingParams). Global (global != 0): one workgroup of 256 invocations per channel
// reduces the plane (each invocation a strided partial sum, then a fixed tree in shared memory:
// the same order on every run), dispatch (1, C). Windowed: one invocation per output value,
// max ignoring padded samples, average dividing as the reference does; dispatch x over the
// output plane, y over channels. Local size 256 x 1.
#include "common.glsl"
#include "nn_common.glsl"

layout(push_constant) uniform Push {
    int in_off, out_off, is_max, global_pool;
    int ih, iw, oh, ow;
    int kh, kw, sy, sx;
    int pad_top, pad_left, pad_bottom, pad_right;
    int count_include_pad;
} pc;

shared float partial[256];

void main() {
    const int c = int(gl_WorkGroupID.y);
    const int lid = int(gl_LocalInvocationIndex);
    const float lowest = -3.402823466e38;
    if (pc.global_pool != 0) {
        const int n = pc.ih * pc.iw;
        const int base = pc.in_off + c * n;
        float v = pc.is_max != 0 ? lowest : 0.0;
        for (int i = lid; i < n; i += 256)
            v = pc.is_max != 0 ? max(v, float(arena[base + i])) : v + float(arena[base + i]);
        partial[lid] = v;
        barrier();
        for (int s = 128; s > 0; s >>= 1) {
            if (lid < s)
                partial[lid] = pc.is_max != 0 ? max(partial[lid], partial[lid + s])
                                              : partial[lid] + partial[lid + s];
            barrier();
        }
        if (lid == 0)
            arena[pc.out_off + c] = KZ_STORE(pc.is_max != 0 ? partial[0] : partial[0] / float(n));
        return;
    }
    const int p = int(gl_GlobalInvocationID.x);
    if (p >= pc.oh * pc.ow) return;
    const int y0 = (p / pc.ow) * pc.sy - pc.pad_top;
    const int x0 = (p % pc.ow) * pc.sx - pc.pad_left;
    const int base = pc.in_off + c * pc.ih * pc.iw;
    float v = pc.is_max != 0 ? lowest : 0.0;
    int count = 0;
    for (int ky = max(0, -y0); ky < pc.kh && y0 + ky < pc.ih; ++ky)
        for (int kx = max(0, -x0); kx < pc.kw && x0 + kx < pc.iw; ++kx) {
            const float e = float(arena[base + (y0 + ky) * pc.iw + x0 + kx]);
            v = pc.is_max != 0 ? max(v, e) : v + e;
            ++count;
        }
    if (pc.is_max == 0) {
        const int area = pc.count_include_pad != 0
                             ? (min(y0 + pc.kh, pc.ih + pc.pad_bottom) - max(y0, -pc.pad_top)) *
                                   (min(x0 + pc.kw, pc.iw + pc.pad_right) - max(x0, -pc.pad_left))
                             : count;
        v = area > 0 ? v / float(area) : 0.0;
    }
    arena[pc.out_off + c * pc.oh * pc.ow + p] = KZ_STORE(v);
}
