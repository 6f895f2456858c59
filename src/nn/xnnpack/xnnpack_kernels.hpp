// Our own NHWC kernels for what the 2022 XNNPACK snapshot lacks or does in another order:
// layout conversion at the graph edges, nearest-neighbour resize, ncnn-order pixel shuffle,
// crop, channel concat and weighted element-wise sums. All are threaded over output rows on a
// pthreadpool (nullptr = calling thread); every output element is computed by one thread with
// the same arithmetic whatever the thread count, so results are bit-identical across counts.
//
// Layout: an NHWC tensor of h x w pixels with `c` channels stores pixel (y, x) at
// data + (y * w + x) * pixel_stride, with pixel_stride >= c (channels beyond c are untouched).
#pragma once

#include <pthreadpool.h>

#include <cstddef>

namespace kizuna::nn::xnn {

// A strided NHWC view (N = 1). pixel_stride is in floats.
struct NhwcView {
    float* data = nullptr;
    int height = 0;
    int width = 0;
    int channels = 0;
    size_t pixel_stride = 0;

    float* pixel(int y, int x) const {
        return data + (static_cast<size_t>(y) * width + x) * pixel_stride;
    }
};

// Planar C x H x W (plane stride `plane_stride` floats) -> NHWC. Shapes must agree.
void nchw_to_nhwc(const float* src, size_t plane_stride, const NhwcView& dst, pthreadpool_t pool);
// NHWC -> planar C x H x W.
void nhwc_to_nchw(const NhwcView& src, float* dst, size_t plane_stride, pthreadpool_t pool);

// Nearest-neighbour resize: dst(y, x) = src(min(floor(y * in_h / out_h), in_h - 1), same for x),
// computed in exact integer arithmetic.
void resize_nearest(const NhwcView& src, const NhwcView& dst, pthreadpool_t pool);

// Pixel shuffle in ncnn / PyTorch channel order:
//   dst(y*r+i, x*r+j, c) = src(y, x, c*r*r + i*r + j)
// src has dst.channels * r * r channels and dst.height/r x dst.width/r pixels.
void pixel_shuffle_ncnn(const NhwcView& src, const NhwcView& dst, int r, pthreadpool_t pool);

// dst(y, x, c) = src(y + y0, x + x0, c + c0), for the extent of dst.
void crop(const NhwcView& src, int y0, int x0, int c0, const NhwcView& dst, pthreadpool_t pool);

// dst(y + y0, x + x0, c + c0) = src(y, x, c) for the extent of src (concat).
void paste(const NhwcView& src, const NhwcView& dst, int y0, int x0, int c0, pthreadpool_t pool);

// dst = sum_k coeff[k] * src[k], element-wise, for n inputs of dst's shape (dst may alias one).
void weighted_sum(const NhwcView* srcs, const float* coeffs, int n, const NhwcView& dst,
                  pthreadpool_t pool);

// dst = src op scalar element-wise; op: 0 add, 1 sub, 2 mul, 3 div, 4 max, 5 min, 7 rsub,
// 8 rdiv (ncnn BinaryOp numbering). Returns false for an op it does not know.
bool binary_scalar(const NhwcView& src, int op, float b, const NhwcView& dst, pthreadpool_t pool);

// Separable 4-tap resize (bicubic): for output (y, x),
//   dst = sum_t yw[4y+t] * (sum_k xw[4x+k] * src(yi[4y+t], xi[4x+k])), sums in index order.
// Index tables hold source indices already clamped to the edge.
void resize_4tap(const NhwcView& src, const NhwcView& dst, const int* xi, const float* xw,
                 const int* yi, const float* yw, pthreadpool_t pool);

// Keys' bicubic (A = -0.75) tables for n -> out_n samples with ncnn's coordinates
// (src = (d + 0.5) * n / out_n - 0.5, or d * (n - 1) / (out_n - 1) with align_corner); taps
// clamped to [0, n - 1]. idx and wt get 4 entries per output sample.
void bicubic_table(int n, int out_n, bool align_corner, int* idx, float* wt);

// dst(y, x, c) = src(y, x, c) * scale[c] (+ bias[c] when bias is not null).
void scale_channels(const NhwcView& src, const float* scale, const float* bias, const NhwcView& dst,
                    pthreadpool_t pool);

}  // namespace kizuna::nn::xnn
