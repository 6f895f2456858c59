#version 450
// Convolution as an implicit GEMM (layer.hpp, ConvolutionParams): C[m][n] = sum_k A[m][k] B[k][n]
// with m an output pixel (M = oh * ow), n an output channel of the group (N = oc_per_group) and
// k = (ci * kh + ky) * kw + kx (K = ic_per_group * kh * kw). A is read straight from the input
// planes (im2col on the fly, samples outside the input read pad_value); B is the packed weights,
// [group][K][N rounded up to 64] as vec4s (f16vec4s in the fp16 variant, widened on load;
// src/nn/vulkan/vk_weights.cpp). Accumulation is fp32 in both variants. Epilogue: + bias,
// ReLU / leaky ReLU, PReLU slopes (other activations: a separate pass, vk_steps.cpp).
//
// A workgroup of 256 invocations computes a TM x TN block of C: TM = 256 * PX pixels (pixel
// m0 + lid + 256 i for i < PX, so the lanes of a load or a store touch consecutive pixels) by
// TN output channels (TN / 4 vec4s), accumulated in registers. The weights are read at
// addresses that are the same for the whole workgroup, in vec4s. This file: PX = 8, TN = 64;
// nn_conv_px1.comp: PX = 1, TN = 16. Dispatch: (ceil(M / TM), ceil(N / TN), group). Why these
// sizes and no shared memory: src/nn/vulkan/vk_pipelines.cpp. The summation order over k is
// fixed: runs are bit-identical on one device.
#define KZ_CONV_PX 8
#define KZ_CONV_TN 64
#include "nn_conv_body.glsl"
