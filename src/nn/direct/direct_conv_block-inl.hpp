// What the AVX-512 and AVX2 kernels of the direct convolution share: where a group's data
// starts, and the accumulation of one block of pixels x channel vectors over every tap and input
// channel. Each kernel keeps its own epilogue, store and walk over the row. Included only by
// direct_conv_avx512.cpp and direct_conv_avx2.cpp, each compiled for its own instruction set:
// everything here has internal linkage, so each unit gets its own copy and no copy built for one
// instruction set can be picked by the other. No library headers, for the same reason.
//
// An Isa type gives the vector type and three operations, each always inlined:
//   using Vec;                                  // a vector of kWidth floats
//   static constexpr int kWidth;
//   static Vec load(const float* p);            // the packed weights at p
//   static Vec broadcast(const float* p);       // *p in every lane
//   static Vec fma(Vec x, Vec w, Vec acc);      // x * w + acc, fused
#pragma once

#include "nn/direct/direct_conv_kernel.hpp"

namespace kizuna::nn::direct {
namespace {

// The channel group `group` of output row `oy`: its packed weights, bias and slopes, its first
// output value, and its channel count (1..64).
struct GroupRow {
    const float* weights;
    const float* bias;
    const float* slope;
    float* out;
    int channels;
};

inline GroupRow group_row(const KernelArgs& a, int oy, int group) {
    const size_t taps = static_cast<size_t>(a.kernel_h) * a.kernel_w;
    const int channels = a.out_c - group * 64;
    return {a.weights + static_cast<size_t>(group) * taps * a.in_c * 64,
            a.bias + static_cast<size_t>(group) * 64, a.slope + static_cast<size_t>(group) * 64,
            a.out + static_cast<size_t>(oy) * a.out_w * a.out_c + group * 64,
            channels > 64 ? 64 : channels};
}

// Adds to acc[p][v] the products of the input around output pixel (x0 + p, oy) with the NV
// weight vectors at `wg` (the slice's first lane; `lanes` the group's packed lane count), every
// tap and input channel in the order of the packed weights.
template <class Isa, int NV, int NP>
inline __attribute__((always_inline)) void accumulate(const KernelArgs& a, int oy, int x0,
                                                      const float* wg, size_t lanes,
                                                      typename Isa::Vec (&acc)[NP][NV]) {
    using Vec = typename Isa::Vec;
    const size_t tap_stride = static_cast<size_t>(a.in_c) * lanes;
    for (int ky = 0; ky < a.kernel_h; ++ky) {
        const int iy = oy * a.stride_h - a.pad_top + ky * a.dilation_h;
        if (iy < 0 || iy >= a.in_h) continue;
        for (int kx = 0; kx < a.kernel_w; ++kx) {
            // Weights of this tap: [input channel][lanes], segments in channel order.
            const float* wk = wg + static_cast<size_t>(ky * a.kernel_w + kx) * tap_stride;
            for (int s = 0; s < a.n_seg; ++s) {
                const int sc = a.seg_c[s];
                const float* row = a.seg_in[s] + static_cast<size_t>(iy) * a.in_w * sc;
                const float* src[NP];
#pragma GCC unroll 16
                for (int p = 0; p < NP; ++p) {
                    const int ix = (x0 + p) * a.stride_w - a.pad_left + kx * a.dilation_w;
                    src[p] =
                        (ix >= 0 && ix < a.in_w) ? row + static_cast<size_t>(ix) * sc : a.zeros;
                }
                for (int i = 0; i < sc; ++i) {
                    Vec w[NV];
#pragma GCC unroll 4
                    for (int v = 0; v < NV; ++v) w[v] = Isa::load(wk + Isa::kWidth * v);
                    wk += lanes;
#pragma GCC unroll 16
                    for (int p = 0; p < NP; ++p) {
                        const Vec x = Isa::broadcast(src[p] + i);
#pragma GCC unroll 4
                        for (int v = 0; v < NV; ++v) acc[p][v] = Isa::fma(x, w[v], acc[p][v]);
                    }
                }
            }
        }
    }
}

}  // namespace
}  // namespace kizuna::nn::direct
