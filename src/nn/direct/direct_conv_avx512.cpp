// AVX-512 kernel of the direct convolution (see direct_conv.hpp for the definition). One call
// computes one output row for one group of up to 64 output channels, in blocks of NP pixels x
// NV vectors of 16 channels held in registers: per (tap, input channel) it loads NV weight
// vectors and broadcasts NP input values, then does NP * NV FMAs. The input may come in up to
// kMaxSegments channel segments (a channel concat read in place). Taps outside the input read a
// row of zeros, so the inner loop has no branches; whole kernel rows outside are skipped.
//
// This file is compiled with -mavx512f -mfma (src/nn/CMakeLists.txt) and includes no C++ library
// headers, so no AVX-512 copy of an inline library function can leak into the rest of the
// program. Callers check direct::available() first.
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12 flags _mm512_undefined_ps() inside _mm512_min_ps/_mm512_max_ps as maybe-uninitialized.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include "nn/direct/direct_conv_block-inl.hpp"

namespace kizuna::nn::direct {
namespace {

struct Avx512 {
    using Vec = __m512;
    static constexpr int kWidth = 16;
    static inline __attribute__((always_inline)) Vec load(const float* p) {
        return _mm512_load_ps(p);
    }
    static inline __attribute__((always_inline)) Vec broadcast(const float* p) {
        return _mm512_set1_ps(*p);
    }
    static inline __attribute__((always_inline)) Vec fma(Vec x, Vec w, Vec acc) {
        return _mm512_fmadd_ps(x, w, acc);
    }
};

template <int NV, int NP>
inline __attribute__((always_inline)) void conv_block(const KernelArgs& a, int oy, int x0,
                                                      const float* wg, const float* bg,
                                                      const float* sg, float* dst,
                                                      __mmask16 last_mask) {
    __m512 acc[NP][NV];
    for (int v = 0; v < NV; ++v) {
        const __m512 b = _mm512_load_ps(bg + 16 * v);
#pragma GCC unroll 32
        for (int p = 0; p < NP; ++p) acc[p][v] = b;
    }
    accumulate<Avx512, NV, NP>(a, oy, x0, wg, static_cast<size_t>(NV) * 16, acc);
    // Epilogue and store.
    const __m512 zero = _mm512_setzero_ps();
    const __m512 lo = _mm512_set1_ps(a.lo);
    const __m512 hi = _mm512_set1_ps(a.hi);
    for (int v = 0; v < NV; ++v) {
        const __m512 s = a.epilogue == 1 ? _mm512_load_ps(sg + 16 * v) : zero;
#pragma GCC unroll 32
        for (int p = 0; p < NP; ++p) {
            __m512 r = acc[p][v];
            if (a.epilogue == 1) {
                const __mmask16 neg = _mm512_cmp_ps_mask(r, zero, _CMP_LT_OQ);
                r = _mm512_mask_mul_ps(r, neg, r, s);
            } else if (a.epilogue == 2) {
                r = _mm512_min_ps(_mm512_max_ps(r, lo), hi);
            }
            float* o = dst + static_cast<size_t>(p) * a.out_c + 16 * v;
            if (v == NV - 1) {
                _mm512_mask_storeu_ps(o, last_mask, r);
            } else {
                _mm512_storeu_ps(o, r);
            }
        }
    }
}

// Pixel block sizes: NP * NV accumulators stay within 24 of the 32 vector registers.
template <int NV>
constexpr int block_pixels() {
    return NV == 4 ? 6 : NV == 3 ? 8 : NV == 2 ? 12 : 16;
}

template <int NV, int NP>
inline void conv_tail(const KernelArgs& a, int oy, int x0, int n, const GroupRow& g, float* dst,
                      __mmask16 mask) {
    if constexpr (NP > 0) {
        if (n == NP) {
            conv_block<NV, NP>(a, oy, x0, g.weights, g.bias, g.slope, dst, mask);
        } else {
            conv_tail<NV, NP - 1>(a, oy, x0, n, g, dst, mask);
        }
    }
}

template <int NV>
void conv_row(const KernelArgs& a, int oy, const GroupRow& g) {
    constexpr int NP = block_pixels<NV>();
    const int rem = g.channels - (NV - 1) * 16;
    const __mmask16 mask = static_cast<__mmask16>((1u << rem) - 1u);
    int x = 0;
    for (; x + NP <= a.out_w; x += NP) {
        conv_block<NV, NP>(a, oy, x, g.weights, g.bias, g.slope,
                           g.out + static_cast<size_t>(x) * a.out_c, mask);
    }
    if (x < a.out_w) {
        conv_tail<NV, NP - 1>(a, oy, x, a.out_w - x, g, g.out + static_cast<size_t>(x) * a.out_c,
                              mask);
    }
}

}  // namespace

void conv_row_avx512(const KernelArgs& a, int oy, int group) {
    const GroupRow g = group_row(a, oy, group);
    switch ((g.channels + 15) / 16) {
        case 1:
            conv_row<1>(a, oy, g);
            break;
        case 2:
            conv_row<2>(a, oy, g);
            break;
        case 3:
            conv_row<3>(a, oy, g);
            break;
        default:
            conv_row<4>(a, oy, g);
            break;
    }
}

}  // namespace kizuna::nn::direct
