// The interface between the direct convolution's driver (direct_conv.cpp) and its kernels
// (direct_conv_avx512.cpp, direct_conv_avx2.cpp). Plain data only: each kernel's translation unit
// is compiled for its instruction set and must not instantiate inline library code that other
// units could pick up.
#pragma once

#include <stddef.h>  // C header: no inline C++ functions in the AVX-512 unit

namespace kizuna::nn::direct {

// Most input segments of one convolution (a fused channel concat of up to this many blobs).
constexpr int kMaxSegments = 8;

struct KernelArgs {
    // The input: in_c channels of in_h x in_w pixels, held as n_seg NHWC segments of seg_c[s]
    // consecutive channels each (pixel stride seg_c[s]); one segment unless a channel concat
    // was fused into the convolution.
    const float* seg_in[kMaxSegments] = {};
    int seg_c[kMaxSegments] = {};
    int n_seg = 0;
    int in_h = 0;
    int in_w = 0;
    int in_c = 0;
    float* out = nullptr;  // NHWC, pixel stride out_c
    int out_w = 0;
    int out_c = 0;
    int kernel_h = 0;
    int kernel_w = 0;
    int stride_h = 1;
    int stride_w = 1;
    int dilation_h = 1;
    int dilation_w = 1;
    int pad_top = 0;
    int pad_left = 0;
    const float* weights = nullptr;  // group g at g * kernel_h * kernel_w * in_c * 64
    const float* bias = nullptr;     // groups * 64
    const float* slope = nullptr;    // groups * 64; used when epilogue == 1
    const float* zeros = nullptr;    // max(seg_c) zeros
    int epilogue = 0;                // 0 none, 1 slope, 2 clip (Epilogue)
    float lo = 0.f;
    float hi = 0.f;
};

// Compute output row `oy`, channels [64 * group, min(64 * group + 64, out_c)). The same results
// to the bit: both sum each output in the same order.
void conv_row_avx512(const KernelArgs& a, int oy, int group);
void conv_row_avx2(const KernelArgs& a, int oy, int group);

}  // namespace kizuna::nn::direct
