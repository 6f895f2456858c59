#version 450
// Convolution as an implicit GEMM (layer.hpp, ConvolutionParams): C[m][n] = sum_k A[m][k] B[k][n]
// with m an output pixel (M = oh * ow), n an output channel of the group (N = oc_per_group) and
// k = (ci * kh + ky) * kw + kx (K = ic_per_group * kh * kw). A is read straight from the input
// planes (im2col on the fly, samples outside the input read pad_value); B is the packed weights,
// [group][K][N] (src/nn/vulkan/vk_weights.cpp). Epilogue: + bias, activation, PReLU slopes.
//
// One workgroup of 16 x 16 invocations computes a TM x TN block of C, TM = 16 * MR pixels by
// TN = 16 * NR channels, stepping through K by TK: each step stages a TK x TM slice of A and a
// TK x TN slice of B in shared memory, then each invocation accumulates an MR x NR register
// block (pixels tm + 16 i, channels tn + 16 j; consecutive invocations take consecutive pixels,
// so loads of the input and stores of the output are contiguous). Dispatch:
// (ceil(M / TM), ceil(N / TN), group). Why these sizes: src/nn/vulkan/vk_pipelines.cpp.
// The summation order over k is fixed: runs are bit-identical on one device.
#include "common.glsl"
#include "nn_common.glsl"

layout(constant_id = 2) const int MR = 4;      // pixels per invocation
layout(constant_id = 3) const int NR = 4;      // channels per invocation
layout(constant_id = 4) const int TK = 16;     // K step
layout(constant_id = 5) const int FAULT = 0;   // tests only: 1 drops the bias, 2 reads the
                                               // kernel transposed (ky and kx swapped)
const int TM = 16 * MR;
const int TN = 16 * NR;

layout(push_constant) uniform Push {
    int in_off, out_off, w_off, bias_off;  // element offsets (arena, arena, weights, weights)
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

shared float As[TK * TM];
shared float Bs[TK * TN];

void main() {
    const int lid = int(gl_LocalInvocationIndex);
    const int tm = lid % 16, tn = lid / 16;
    const int m0 = int(gl_WorkGroupID.x) * TM;
    const int n0 = int(gl_WorkGroupID.y) * TN;
    const int g = int(gl_WorkGroupID.z);
    const int M = pc.oh * pc.ow;
    const int N = pc.oc_per_group;
    const int khw = pc.kh * pc.kw;
    const int in_base = pc.in_off + g * pc.ic_per_group * pc.ih * pc.iw;
    const int w_base = pc.w_off + g * pc.K * N;

    float acc[MR][NR];
    for (int i = 0; i < MR; ++i)
        for (int j = 0; j < NR; ++j) acc[i][j] = 0.0;

    for (int k0 = 0; k0 < pc.K; k0 += TK) {
        for (int e = lid; e < TK * TM; e += 256) {
            const int kk = e / TM, mm = e % TM;
            const int k = k0 + kk, m = m0 + mm;
            float v = 0.0;
            if (k < pc.K && m < M) {
                const int ci = k / khw, r = k % khw;
                const int ky = r / pc.kw, kx = r % pc.kw;
                const int oy = m / pc.ow, ox = m % pc.ow;
                const int y = oy * pc.sy - pc.pad_top + ky * pc.dy;
                const int x = ox * pc.sx - pc.pad_left + kx * pc.dx;
                v = (y >= 0 && y < pc.ih && x >= 0 && x < pc.iw)
                        ? arena[in_base + (ci * pc.ih + y) * pc.iw + x]
                        : pc.pad_value;
            }
            As[kk * TM + mm] = v;
        }
        for (int e = lid; e < TK * TN; e += 256) {
            const int kk = e / TN, nn = e % TN;
            int k = k0 + kk;
            const int n = n0 + nn;
            float v = 0.0;
            if (k < pc.K && n < N) {
                if (FAULT == 2) {
                    const int ci = k / khw, r = k % khw;
                    k = ci * khw + (r % pc.kw) * pc.kw + r / pc.kw;
                }
                v = wts[w_base + k * N + n];
            }
            Bs[kk * TN + nn] = v;
        }
        barrier();
        for (int kk = 0; kk < TK; ++kk) {
            float a[MR], b[NR];
            for (int i = 0; i < MR; ++i) a[i] = As[kk * TM + tm + 16 * i];
            for (int j = 0; j < NR; ++j) b[j] = Bs[kk * TN + tn + 16 * j];
            for (int i = 0; i < MR; ++i)
                for (int j = 0; j < NR; ++j) acc[i][j] = fma(a[i], b[j], acc[i][j]);
        }
        barrier();
    }

    const int oc_base = g * N;
    for (int j = 0; j < NR; ++j) {
        const int n = n0 + tn + 16 * j;
        if (n >= N) continue;
        const int oc = oc_base + n;
        const float bias = (pc.bias_off >= 0 && FAULT != 1) ? wts[pc.bias_off + oc] : 0.0;
        const float slope =
            pc.slope_off >= 0 ? wts[pc.slope_off + (pc.slope_count == 1 ? 0 : oc)] : 1.0;
        for (int i = 0; i < MR; ++i) {
            const int m = m0 + tm + 16 * i;
            if (m >= M) continue;
            float v = kz_activate(acc[i][j] + bias, pc.act, pc.alpha, pc.beta);
            if (pc.slope_off >= 0) v = v > 0.0 ? v : v * slope;
            arena[pc.out_off + oc * M + m] = v;
        }
    }
}
