// The body of the convolution shaders nn_conv.comp (8 pixels x 64 channels per invocation) and
// nn_conv_px1.comp (1 x 16): see nn_conv.comp. Included right after #version with KZ_CONV_PX
// (pixels) and KZ_CONV_TN (channels, a multiple of 4 dividing 64) defined.
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
#include "nn_common.glsl"

#ifdef KZ_FP16
layout(std430, binding = 1) readonly buffer WeightsV4 { f16vec4 wts4[]; };
#else
layout(std430, binding = 1) readonly buffer WeightsV4 { vec4 wts4[]; };
#endif

layout(constant_id = 2) const int FAULT = 0;  // tests only: 1 drops the bias, 2 reads the
                                              // kernel transposed (ky and kx swapped)
const int PX = KZ_CONV_PX;
const int TM = 256 * PX;
const int TN = KZ_CONV_TN;
const int NQ = TN / 4;  // vec4s of channels

layout(push_constant) uniform Push {
    int in_off, out_off, w_off, bias_off;  // element offsets; w_off is a multiple of 4
    int slope_off;                          // PReLU slopes in weights, < 0: none
    int slope_count;                        // 1: one slope for all channels, else one per channel
    int act;                                // KZ_ACT_*
    float alpha, beta, pad_value;
    int ic_per_group, oc_per_group;
    int ih, iw, oh, ow;
    int kh, kw, sy, sx;
    int dy, dx, pad_top, pad_left;
    int K;  // ic_per_group * kh * kw
} pc;

void main() {
    const int lid = int(gl_LocalInvocationIndex);
    const int m0 = int(gl_WorkGroupID.x) * TM + lid;
    const int n0 = int(gl_WorkGroupID.y) * TN;
    const int g = int(gl_WorkGroupID.z);
    const int M = pc.oh * pc.ow;
    if (m0 >= M) return;  // all of this invocation's pixels lie past the output (no barriers)
    const int N = pc.oc_per_group;
    const int n_pad = (N + 63) / 64 * 64;  // the packed row length (vk_weights.cpp)
    const int plane = pc.ih * pc.iw;
    const int in_base = pc.in_off + g * pc.ic_per_group * plane;
    // In vec4s: row k of this group's B starts at w4 + k * n_pad / 4.
    const int w4 = (pc.w_off + g * pc.K * n_pad + n0) / 4;

    int y0[PX], x0[PX];
    [[unroll]] for (int i = 0; i < PX; ++i) {
        const int m = min(m0 + 256 * i, M - 1);
        const int oy = m / pc.ow;
        y0[i] = oy * pc.sy - pc.pad_top;
        x0[i] = (m - oy * pc.ow) * pc.sx - pc.pad_left;
    }
    vec4 acc[PX][NQ];
    [[unroll]] for (int i = 0; i < PX; ++i)
        [[unroll]] for (int q = 0; q < NQ; ++q) acc[i][q] = vec4(0.0);

    for (int ci = 0; ci < pc.ic_per_group; ++ci) {
        const int src = in_base + ci * plane;
        for (int ky = 0; ky < pc.kh; ++ky) {
            // Per pixel: the row this tap reads, or -1 when it lies in the padding.
            int row[PX];
            [[unroll]] for (int i = 0; i < PX; ++i) {
                const int y = y0[i] + ky * pc.dy;
                row[i] = y >= 0 && y < pc.ih ? src + y * pc.iw : -1;
            }
            for (int kx = 0; kx < pc.kw; ++kx) {
                const int k = (ci * pc.kh + ky) * pc.kw + kx;
                const int kr = FAULT == 2 ? (ci * pc.kh + kx) * pc.kw + ky : k;
                const int w = w4 + kr * (n_pad / 4);
                vec4 b[NQ];
                [[unroll]] for (int q = 0; q < NQ; ++q) b[q] = vec4(wts4[w + q]);
                [[unroll]] for (int i = 0; i < PX; ++i) {
                    const int x = x0[i] + kx * pc.dx;
                    const float a =
                        row[i] >= 0 && x >= 0 && x < pc.iw ? float(arena[row[i] + x]) : pc.pad_value;
                    [[unroll]] for (int q = 0; q < NQ; ++q) acc[i][q] = fma(vec4(a), b[q], acc[i][q]);
                }
            }
        }
    }

    // Fully unrolled with constant indices: acc stays in registers. The activation here is
    // piecewise linear only (none, ReLU, leaky ReLU, then PReLU slopes): v > 0 ? v : v * neg;
    // other activations run as a separate element-wise pass (vk_steps.cpp).
    const int oc_base = g * N;
    const bool leaky = pc.act == KZ_ACT_RELU || pc.act == KZ_ACT_LEAKY;
    [[unroll]] for (int q = 0; q < NQ; ++q) {
        [[unroll]] for (int c = 0; c < 4; ++c) {
            const int n = n0 + 4 * q + c;
            if (n < N) {
                const int oc = oc_base + n;
                const float bias =
                    (pc.bias_off >= 0 && FAULT != 1) ? float(wts[pc.bias_off + oc]) : 0.0;
                const float slope =
                    pc.slope_off >= 0 ? float(wts[pc.slope_off + (pc.slope_count == 1 ? 0 : oc)]) : 1.0;
                const float neg = (leaky ? pc.alpha : 1.0) * slope;
                [[unroll]] for (int i = 0; i < PX; ++i) {
                    const int m = m0 + 256 * i;
                    if (m < M) {
                        const float v = acc[i][q][c] + bias;
                        arena[pc.out_off + oc * M + m] = KZ_STORE(v > 0.0 ? v : v * neg);
                    }
                }
            }
        }
    }
}
