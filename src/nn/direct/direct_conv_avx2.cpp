// AVX2 + FMA kernel of the direct convolution (see direct_conv.hpp for the definition), for CPUs
// without AVX-512. The packed weights are the same as the AVX-512 kernel's (groups of up to 64
// output channels, lanes padded to a multiple of 16); with 16 vector registers of 8 floats this
// kernel takes a group 16 channels at a time: a block of NP pixels x NV vectors of 8 channels
// lives in registers (6 pixels x 2 vectors: 12 accumulators, 2 weight vectors and 1 broadcast of
// the 16 registers), and per (tap, input channel) it loads NV weight vectors, broadcasts NP input
// values and does NP * NV FMAs. Each 16-channel slice of the group re-reads the block's input,
// which stays in L1. Taps outside the input read a row of zeros, as in the AVX-512 kernel.
//
// This file is compiled with -mavx2 -mfma (src/nn/CMakeLists.txt) and includes no C++ library
// headers, so no AVX2 copy of an inline library function can leak into the rest of the program.
// Callers check direct::available() first.
#include <immintrin.h>

#include "nn/direct/direct_conv_block-inl.hpp"

namespace kizuna::nn::direct {
namespace {

struct Avx2 {
    using Vec = __m256;
    static constexpr int kWidth = 8;
    static inline __attribute__((always_inline)) Vec load(const float* p) {
        return _mm256_loadu_ps(p);
    }
    static inline __attribute__((always_inline)) Vec broadcast(const float* p) {
        return _mm256_broadcast_ss(p);
    }
    static inline __attribute__((always_inline)) Vec fma(Vec x, Vec w, Vec acc) {
        return _mm256_fmadd_ps(x, w, acc);
    }
};

// Lane mask of the first n (1..8) lanes, for _mm256_maskstore_ps.
inline __m256i first_lanes(int n) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), index);
}

// One block: NP pixels from x0 x NV vectors of 8 channels; `wg`, `bg` and `sg` point at the
// slice's first lane; `lanes` is the group's packed lane count; `last` the valid lanes of the
// last vector (1..8).
template <int NV, int NP>
inline __attribute__((always_inline)) void conv_block(const KernelArgs& a, int oy, int x0,
                                                      const float* wg, size_t lanes,
                                                      const float* bg, const float* sg, float* dst,
                                                      int last) {
    __m256 acc[NP][NV];
    for (int v = 0; v < NV; ++v) {
        const __m256 b = _mm256_loadu_ps(bg + 8 * v);
#pragma GCC unroll 16
        for (int p = 0; p < NP; ++p) acc[p][v] = b;
    }
    accumulate<Avx2, NV, NP>(a, oy, x0, wg, lanes, acc);
    // Epilogue and store.
    const __m256 zero = _mm256_setzero_ps();
    const __m256 lo = _mm256_set1_ps(a.lo);
    const __m256 hi = _mm256_set1_ps(a.hi);
    const __m256i mask = first_lanes(last);
    for (int v = 0; v < NV; ++v) {
        const __m256 s = a.epilogue == 1 ? _mm256_loadu_ps(sg + 8 * v) : zero;
#pragma GCC unroll 16
        for (int p = 0; p < NP; ++p) {
            __m256 r = acc[p][v];
            if (a.epilogue == 1) {
                const __m256 neg = _mm256_cmp_ps(r, zero, _CMP_LT_OQ);
                r = _mm256_blendv_ps(r, _mm256_mul_ps(r, s), neg);
            } else if (a.epilogue == 2) {
                r = _mm256_min_ps(_mm256_max_ps(r, lo), hi);
            }
            float* o = dst + static_cast<size_t>(p) * a.out_c + 8 * v;
            if (v == NV - 1 && last < 8) {
                _mm256_maskstore_ps(o, mask, r);
            } else {
                _mm256_storeu_ps(o, r);
            }
        }
    }
}

// Pixel block sizes: NP * NV accumulators + NV weights + 1 broadcast within 16 registers.
template <int NV>
constexpr int block_pixels() {
    return NV == 2 ? 5 : 10;
}

template <int NV, int NP>
inline void conv_tail(const KernelArgs& a, int oy, int x0, int n, const float* wg, size_t lanes,
                      const float* bg, const float* sg, float* dst, int last) {
    if constexpr (NP > 0) {
        if (n == NP) {
            conv_block<NV, NP>(a, oy, x0, wg, lanes, bg, sg, dst, last);
        } else {
            conv_tail<NV, NP - 1>(a, oy, x0, n, wg, lanes, bg, sg, dst, last);
        }
    }
}

// Output row `oy` for the `channels` (1..16) channels of one slice of the group. Kept out of
// conv_row_avx2: inlined there, GCC 12 reloads pointers from the stack in the inner loop.
template <int NV>
__attribute__((noinline)) void conv_slice(const KernelArgs& a, int oy, const float* wg,
                                          size_t lanes, const float* bg, const float* sg,
                                          float* dst, int channels) {
    constexpr int NP = block_pixels<NV>();
    const int last = channels - (NV - 1) * 8;
    int x = 0;
    for (; x + NP <= a.out_w; x += NP) {
        conv_block<NV, NP>(a, oy, x, wg, lanes, bg, sg, dst + static_cast<size_t>(x) * a.out_c,
                           last);
    }
    if (x < a.out_w) {
        conv_tail<NV, NP - 1>(a, oy, x, a.out_w - x, wg, lanes, bg, sg,
                              dst + static_cast<size_t>(x) * a.out_c, last);
    }
}

}  // namespace

void conv_row_avx2(const KernelArgs& a, int oy, int group) {
    const GroupRow g = group_row(a, oy, group);
    const size_t lanes = static_cast<size_t>(g.channels + 15) / 16 * 16;
    for (int c0 = 0; c0 < g.channels; c0 += 16) {
        const int n = g.channels - c0 < 16 ? g.channels - c0 : 16;
        if (n > 8) {
            conv_slice<2>(a, oy, g.weights + c0, lanes, g.bias + c0, g.slope + c0, g.out + c0, n);
        } else {
            conv_slice<1>(a, oy, g.weights + c0, lanes, g.bias + c0, g.slope + c0, g.out + c0, n);
        }
    }
}

}  // namespace kizuna::nn::direct
