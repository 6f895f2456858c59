// Same rounding as the reference: no fused multiply-add contraction in any target (Highway's Mul
// and Add are plain vector operators to GCC, which would otherwise fuse them).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "stages/cpu/upscale_row2x.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "stages/upscale_kernel.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "stages/cpu/upscale_row2x.cpp"
#include "hwy/cache_control.h"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

#ifndef KZ_UPSCALE_ROW2X_ONCE
#define KZ_UPSCALE_ROW2X_ONCE
namespace kizuna::stages::upscale2x::row2x_detail {

// The row is processed in chunks of kChunk input columns, so the vertical sums of a chunk stay
// in L1. A chunk reads padded columns [0, round16(n) + 32) (padded column q = input column
// x0 - 3 + q), i.e. up to 32 past its last vector; chunks at the frame edges read from a
// replicated copy (the window) instead of the input rows.
inline constexpr int kChunk = 128;
inline constexpr int kRowFloats = kChunk + 48;  // one chunk-sized scratch row, with slack
inline constexpr int kAlignFloats = 16;         // 64 bytes
inline constexpr int kScratchFloats = 13 * kRowFloats + 32 + kAlignFloats;

inline int round16(int n) {
    return (n + 15) & ~15;
}

}  // namespace kizuna::stages::upscale2x::row2x_detail
#endif

HWY_BEFORE_NAMESPACE();
namespace kizuna::stages::upscale2x::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using namespace row2x_detail;

// finish_pixel (upscale_kernel.hpp) on vectors, in two halves: Blend gives v, Clamp the rest
// (with lo / hi the 2x2 minimum / maximum) and the final clip. std::min(x, y) is
// (y < x ? y : x), which is x86's min(y, x) (and Highway's Min(y, x)); likewise std::max(x, y)
// is Max(y, x). The operands are swapped accordingly so that equal values (+0 / -0) pick the
// same one as the scalar code.
template <class V>
HWY_INLINE V Blend(V base, V diag, V w) {
    return hn::Add(base, hn::Mul(w, hn::Sub(diag, base)));
}

// kArOne: anti_ringing is 1, whose product is exact and is skipped.
template <bool kArOne, class V>
HWY_INLINE V Clamp(V v, V lo, V hi, V ar, V clip_lo, V clip_hi) {
    const V cl = hn::Min(hi, hn::Max(lo, v));
    const V r = hn::Add(v, kArOne ? hn::Sub(cl, v) : hn::Mul(ar, hn::Sub(cl, v)));
    return hn::Min(clip_hi, hn::Max(clip_lo, r));
}

// ((((w0 x0 + w1 x1) + w2 x2) + w3 x3) + w4 x4) + w5 x5, the order of the scalar loops.
template <class V>
HWY_INLINE V Sum6(const V* w, V x0, V x1, V x2, V x3, V x4, V x5) {
    V s = hn::Add(hn::Mul(w[0], x0), hn::Mul(w[1], x1));
    s = hn::Add(s, hn::Mul(w[2], x2));
    s = hn::Add(s, hn::Mul(w[3], x3));
    s = hn::Add(s, hn::Mul(w[4], x4));
    return hn::Add(s, hn::Mul(w[5], x5));
}

template <class V>
HWY_INLINE V Sum4(const V* w, V x0, V x1, V x2, V x3) {
    return hn::Add(hn::Add(hn::Add(hn::Mul(w[0], x0), hn::Mul(w[1], x1)), hn::Mul(w[2], x2)),
                   hn::Mul(w[3], x3));
}

// out[2 i] = e[i], out[2 i + 1] = o[i] for one vector of each.
template <class D, class V = hn::Vec<D>>
HWY_INLINE void StoreInterleaved(D df, V e, V o, float* HWY_RESTRICT out) {
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
    // One two-table permutation per output vector instead of Highway's generic six shuffles.
    (void)df;
    const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i hi =
        _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    _mm512_storeu_ps(out, _mm512_permutex2var_ps(e.raw, lo, o.raw));
    _mm512_storeu_ps(out + 16, _mm512_permutex2var_ps(e.raw, hi, o.raw));
#else
    hn::StoreInterleaved2(e, o, df, out);
#endif
}

// Per-chunk scratch rows, each kRowFloats long and 64-byte aligned.
struct ChunkScratch {
    float* v;   // vertical lanczos sums per padded column
    float* lo;  // min / max of the 2x2 low-res samples whose top-left is the padded column
    float* hi;
    float* even;  // blended even / odd outputs before the clamps
    float* odd;
    float* tail;  // 2 vectors
};

// Pass 3 of Chunk (below): even / odd blended outputs -> clamped, interleaved output.
template <bool kArOne, class D>
HWY_INLINE void FinishPass(D df, const Row2xArgs& a, const ChunkScratch& s, int n,
                           float* HWY_RESTRICT out) {
    using V = hn::Vec<D>;
    const size_t lanes = hn::Lanes(df);
    const size_t nn = static_cast<size_t>(n);
    const V ar = hn::Set(df, a.anti_ringing);
    const V clip_lo = hn::Set(df, a.clip_lo), clip_hi = hn::Set(df, a.clip_hi);
    for (size_t i = 0; i < nn; i += lanes) {
        const V ve = Clamp<kArOne>(hn::Load(df, s.even + i), hn::LoadU(df, s.lo + i + 2),
                                   hn::LoadU(df, s.hi + i + 2), ar, clip_lo, clip_hi);
        const V vo = Clamp<kArOne>(hn::Load(df, s.odd + i), hn::LoadU(df, s.lo + i + 3),
                                   hn::LoadU(df, s.hi + i + 3), ar, clip_lo, clip_hi);
        if (i + lanes <= nn) {
            StoreInterleaved(df, ve, vo, out + 2 * i);
        } else {
            StoreInterleaved(df, ve, vo, s.tail);
            std::memcpy(out + 2 * i, s.tail, 2 * (nn - i) * sizeof(float));
        }
    }
}

// One chunk of n input columns (2n outputs), in three passes over L1 rows so that no single
// loop body carries the whole dependency chain of a pixel. p[l]: padded column 0 of input row
// j0 - 2 + l, readable up to padded column round16(n) + 32. we / wo: blend weights, indexed
// we[i] / wo[i + 1] for input column i of the chunk.
template <bool kOddRow, class D>
HWY_INLINE void Chunk(D df, const Row2xArgs& a, const float* const p[6], const float* we,
                      const float* wo, int n, const float* prefetch, const ChunkScratch& s,
                      float* HWY_RESTRICT out) {
    using V = hn::Vec<D>;
    const size_t lanes = hn::Lanes(df);
    const size_t nn = static_cast<size_t>(n);
    const size_t nv = (nn + lanes - 1) / lanes * lanes;
    const size_t vlen = (nv + 6 + lanes - 1) / lanes * lanes;
    const float *rm1 = p[1], *r0 = p[2], *r1 = p[3], *r2 = p[4];

    // Pass 1, padded columns [0, vlen): vertical sums; min / max of r0, r1 at q and q + 1
    // (finish_pixel's operand order: min(min(a, b), min(c, d)) is Min(Min(d, c), Min(b, a))).
    {
        V wy[6];
        for (int k = 0; k < 6; ++k) wy[k] = hn::Set(df, a.wy[k]);
        for (size_t x = 0; x < vlen; x += lanes) {
            if (x < nn && prefetch) hwy::Prefetch(prefetch + x);
            const V a0 = hn::LoadU(df, r0 + x), b0 = hn::LoadU(df, r0 + x + 1);
            const V c0 = hn::LoadU(df, r1 + x), d0 = hn::LoadU(df, r1 + x + 1);
            const V sum = Sum6(wy, hn::LoadU(df, p[0] + x), hn::LoadU(df, rm1 + x), a0, c0,
                               hn::LoadU(df, r2 + x), hn::LoadU(df, p[5] + x));
            hn::Store(sum, df, s.v + x);
            hn::Store(hn::Min(hn::Min(d0, c0), hn::Min(b0, a0)), df, s.lo + x);
            hn::Store(hn::Max(hn::Max(d0, c0), hn::Max(b0, a0)), df, s.hi + x);
        }
    }
    // Pass 2: horizontal sums (base), diagonal estimates, blend.
    {
        V ex[6], ox[6], ce[4], co[4];
        for (int k = 0; k < 6; ++k) {
            ex[k] = hn::Set(df, a.wx0[k]);
            ox[k] = hn::Set(df, a.wx1[k]);
        }
        for (int k = 0; k < 4; ++k) {
            ce[k] = hn::Set(df, a.ce[k]);
            co[k] = hn::Set(df, a.co[k]);
        }
        for (size_t i = 0; i < nv; i += lanes) {
            const float* vi = s.v + i;
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
            // s.v is 64-byte aligned: two aligned loads and lane shifts (valignd) instead of six
            // loads that each split a cache line.
            const V v0 = hn::Load(df, vi), v16 = hn::Load(df, vi + 16);
            const __m512i lo = _mm512_castps_si512(v0.raw), hi = _mm512_castps_si512(v16.raw);
            const V v1{_mm512_castsi512_ps(_mm512_alignr_epi32(hi, lo, 1))},
                v2{_mm512_castsi512_ps(_mm512_alignr_epi32(hi, lo, 2))},
                v3{_mm512_castsi512_ps(_mm512_alignr_epi32(hi, lo, 3))},
                v4{_mm512_castsi512_ps(_mm512_alignr_epi32(hi, lo, 4))},
                v5{_mm512_castsi512_ps(_mm512_alignr_epi32(hi, lo, 5))},
                v6{_mm512_castsi512_ps(_mm512_alignr_epi32(hi, lo, 6))};
#else
            const V v0 = hn::LoadU(df, vi), v1 = hn::LoadU(df, vi + 1), v2 = hn::LoadU(df, vi + 2),
                    v3 = hn::LoadU(df, vi + 3), v4 = hn::LoadU(df, vi + 4),
                    v5 = hn::LoadU(df, vi + 5), v6 = hn::LoadU(df, vi + 6);
#endif
            const V base_e = Sum6(ex, v0, v1, v2, v3, v4, v5);
            const V base_o = Sum6(ox, v1, v2, v3, v4, v5, v6);
            // Diagonal samples: main diagonal for even outputs of even rows and odd outputs of
            // odd rows, anti-diagonal otherwise.
            V diag_e, diag_o;
            if (kOddRow) {
                diag_e = Sum4(ce, hn::LoadU(df, r2 + i + 1), hn::LoadU(df, r1 + i + 2),
                              hn::LoadU(df, r0 + i + 3), hn::LoadU(df, rm1 + i + 4));
                diag_o = Sum4(co, hn::LoadU(df, rm1 + i + 2), hn::LoadU(df, r0 + i + 3),
                              hn::LoadU(df, r1 + i + 4), hn::LoadU(df, r2 + i + 5));
            } else {
                diag_e = Sum4(ce, hn::LoadU(df, rm1 + i + 1), hn::LoadU(df, r0 + i + 2),
                              hn::LoadU(df, r1 + i + 3), hn::LoadU(df, r2 + i + 4));
                diag_o = Sum4(co, hn::LoadU(df, r2 + i + 2), hn::LoadU(df, r1 + i + 3),
                              hn::LoadU(df, r0 + i + 4), hn::LoadU(df, rm1 + i + 5));
            }
            hn::Store(Blend(base_e, diag_e, hn::LoadU(df, we + i)), df, s.even + i);
            hn::Store(Blend(base_o, diag_o, hn::LoadU(df, wo + i + 1)), df, s.odd + i);
        }
    }
    // Pass 3: anti-ringing clamp to the 2x2 range (even outputs: columns i + 2, i + 3; odd:
    // i + 3, i + 4), final clip, interleaved store.
    if (a.anti_ringing == 1.0f) {
        FinishPass<true>(df, a, s, n, out);
    } else {
        FinishPass<false>(df, a, s, n, out);
    }
}

// dst[q] = src[clamp(x0 - 3 + q, 0, w - 1)] for q in [0, len). Vector copies in the middle
// (memcpy of these short, odd lengths compiles to a slow `rep movs`).
template <class D>
HWY_INLINE void CopyWindow(D df, const float* src, int w, int x0, int len, float* dst) {
    const int lanes = static_cast<int>(hn::Lanes(df));
    int q = 0;
    for (; q < len && x0 - 3 + q < 0; ++q) dst[q] = src[0];
    const int end = std::min(len, w + 3 - x0);  // first q past the last column
    for (; q + lanes <= end; q += lanes) hn::StoreU(hn::LoadU(df, src + x0 - 3 + q), df, dst + q);
    for (; q < end; ++q) dst[q] = src[x0 - 3 + q];
    for (; q < len; ++q) dst[q] = src[w - 1];
}

void Row2xChannel(const Row2xArgs& a, float* scratch, float* out) {
    const hn::ScalableTag<float> df;
    const uintptr_t addr = reinterpret_cast<uintptr_t>(scratch);
    float* row = scratch + ((64 - addr % 64) % 64) / sizeof(float);
    auto next_row = [&row] {
        float* r = row;
        row += kRowFloats;
        return r;
    };
    ChunkScratch s;
    s.v = next_row();
    s.lo = next_row();
    s.hi = next_row();
    s.even = next_row();
    s.odd = next_row();
    float* win[6];
    for (float*& r : win) r = next_row();
    float* we_copy = next_row();
    float* wo_copy = next_row();
    s.tail = next_row();  // 32 floats used
    const int w = a.width;
    for (int x0 = 0; x0 < w; x0 += kChunk) {
        const int n = std::min(kChunk, w - x0);
        const int len = round16(n) + 32;  // padded columns the chunk reads
        const float* p[6];
        const float *we, *wo;
        if (x0 >= 3 && x0 - 3 + len <= w) {
            for (int l = 0; l < 6; ++l) p[l] = a.rows[l] + x0 - 3;
            we = a.w_even + x0;
            wo = a.w_odd + x0;
        } else {
            for (int l = 0; l < 6; ++l) {
                CopyWindow(df, a.rows[l], w, x0, len, win[l]);
                p[l] = win[l];
            }
            // Cell weights [x0, x0 + n] exist (the cell rows are width + 1 long); the rest is
            // read by the last vector but not used.
            std::copy_n(a.w_even + x0, n + 1, we_copy);
            std::copy_n(a.w_odd + x0, n + 1, wo_copy);
            std::fill(we_copy + n + 1, we_copy + kRowFloats, 0.0f);
            std::fill(wo_copy + n + 1, wo_copy + kRowFloats, 0.0f);
            we = we_copy;
            wo = wo_copy;
        }
        const float* pf = a.prefetch ? a.prefetch + x0 : nullptr;
        if (a.odd_row) {
            Chunk<true>(df, a, p, we, wo, n, pf, s, out + 2 * x0);
        } else {
            Chunk<false>(df, a, p, we, wo, n, pf, s, out + 2 * x0);
        }
    }
}

// cell_weights_row (upscale_row2x.hpp). std::min / std::max operands are swapped as in Clamp.
void CellWeightsRow(const float* trace, const float* jxy, const float* root, const float* strength,
                    int n, float sharp, float* w_main, float* w_anti) {
    using D = hn::ScalableTag<float>;
    using V = hn::Vec<D>;
    const D df;
    const size_t lanes = hn::Lanes(df);
    const size_t nn = static_cast<size_t>(n);
    // Below edge_lo the ramp is +0, so alpha and both weights are exactly +0 when sharp is a
    // finite non-negative number (not -0); such vectors skip the divisions.
    const bool skip_flat = std::isfinite(sharp) && sharp >= 0.0f && !std::signbit(sharp);
    const V zero = hn::Zero(df), one = hn::Set(df, 1.0f), half = hn::Set(df, 0.5f),
            two = hn::Set(df, 2.0f);
    const V tiny_v = hn::Set(df, tiny), lo = hn::Set(df, edge_lo),
            lo_span = hn::Set(df, edge_hi - edge_lo), alo = hn::Set(df, align_lo),
            alo_span = hn::Set(df, 1.0f - align_lo), sharp_v = hn::Set(df, sharp);
    size_t i = 0;
    for (; i + lanes <= nn; i += lanes) {
        const V st = hn::LoadU(df, strength + i);
        if (skip_flat && hn::AllTrue(df, hn::Lt(st, lo))) {
            hn::StoreU(zero, df, w_main + i);
            hn::StoreU(zero, df, w_anti + i);
            continue;
        }
        const V r = hn::LoadU(df, root + i);
        const auto valid = hn::Gt(r, tiny_v);
        const V safe_root = hn::IfThenElse(valid, r, one);
        const V coherence = hn::Div(r, hn::Add(hn::LoadU(df, trace + i), tiny_v));
        const V ramp = hn::Min(one, hn::Max(zero, hn::Div(hn::Sub(st, lo), lo_span)));
        const V alpha = hn::Min(one, hn::Max(zero, hn::Mul(hn::Mul(sharp_v, coherence), ramp)));
        const V s2 = hn::Div(hn::Mul(two, hn::LoadU(df, jxy + i)), safe_root);
        const V align_main = hn::Mul(half, hn::Sub(one, s2));
        const V align_anti = hn::Mul(half, hn::Add(one, s2));
        const V m = hn::Mul(
            alpha, hn::Min(one, hn::Max(zero, hn::Div(hn::Sub(align_main, alo), alo_span))));
        const V a = hn::Mul(
            alpha, hn::Min(one, hn::Max(zero, hn::Div(hn::Sub(align_anti, alo), alo_span))));
        hn::StoreU(hn::IfThenElseZero(valid, m), df, w_main + i);
        hn::StoreU(hn::IfThenElseZero(valid, a), df, w_anti + i);
    }
    for (; i < nn; ++i) {
        const bool valid = root[i] > tiny;
        const float safe_root = valid ? root[i] : 1.0f;
        const float coherence = root[i] / (trace[i] + tiny);
        const float ramp =
            std::min(std::max((strength[i] - edge_lo) / (edge_hi - edge_lo), 0.0f), 1.0f);
        const float alpha = std::min(std::max(sharp * coherence * ramp, 0.0f), 1.0f);
        const float s2 = 2.0f * jxy[i] / safe_root;
        const float align_main = 0.5f * (1.0f - s2);
        const float align_anti = 0.5f * (1.0f + s2);
        const float m =
            alpha * std::min(std::max((align_main - align_lo) / (1.0f - align_lo), 0.0f), 1.0f);
        const float a =
            alpha * std::min(std::max((align_anti - align_lo) / (1.0f - align_lo), 0.0f), 1.0f);
        w_main[i] = valid ? m : 0.0f;
        w_anti[i] = valid ? a : 0.0f;
    }
}

}  // namespace kizuna::stages::upscale2x::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace kizuna::stages::upscale2x {

HWY_EXPORT(Row2xChannel);
HWY_EXPORT(CellWeightsRow);

void cell_weights_row(const float* trace, const float* jxy, const float* root,
                      const float* strength, int n, float edge_sharpness, float* w_main,
                      float* w_anti) {
    HWY_DYNAMIC_DISPATCH(CellWeightsRow)
    (trace, jxy, root, strength, n, edge_sharpness, w_main, w_anti);
}

size_t row2x_channel_scratch_floats() noexcept {
    return row2x_detail::kScratchFloats;
}

void row2x_channel(const Row2xArgs& a, float* scratch, float* out) {
    HWY_DYNAMIC_DISPATCH(Row2xChannel)(a, scratch, out);
}

}  // namespace kizuna::stages::upscale2x
#endif
