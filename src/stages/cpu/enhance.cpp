// Stage 4, fast CPU version: one row at a time with Highway SIMD (runtime dispatch to the best
// target of the machine), rows spread over the thread pool. See enhance.hpp for the contract.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "stages/cpu/enhance.hpp"
#include "stages/enhance.hpp"

#ifndef KIZUNA_STAGES_ENHANCE_CPU_LAYOUT
#define KIZUNA_STAGES_ENHANCE_CPU_LAYOUT
namespace kizuna::stages::enhance_detail {
// Pixels per chunk of the row kernel: the chunk's 3x3 statistics (9 scratch rows) and its input
// rows stay in L1 between the vertical and the horizontal pass.
inline constexpr size_t kChunk = 256;
// Offset of local index 0 inside a scratch row (room for index -1 and whole vectors past the
// chunk).
inline constexpr size_t kPad = 16;
// Scratch row pitch: 13 rows (sum, min, max of 3 channels, line-darken factor, and the three
// channels after steps 1-3 when step 4 follows), from a 64-byte aligned start.
inline constexpr size_t kLocal = kChunk + 2 * kPad;
}  // namespace kizuna::stages::enhance_detail
#endif

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "stages/cpu/enhance.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "stages/cpu/color_math-inl.h"
#include "stages/cpu/hwy_float-inl.h"

HWY_BEFORE_NAMESPACE();
namespace kizuna::stages::HWY_NAMESPACE {

namespace {

using enhance_detail::kChunk;
using enhance_detail::kLocal;
using enhance_detail::kPad;

HWY_INLINE VF mat3(DF d, VF a, VF b, VF c, float ka, float kb, float kc) {
    return hn::MulAdd(hn::Set(d, kc), c, hn::MulAdd(hn::Set(d, kb), b, hn::Mul(hn::Set(d, ka), a)));
}

// Step 4 of enhance.hpp on K vectors of pixels (inputs any value, outputs in [0, 1]). Each
// step runs on all K vectors before the next, so their long dependency chains overlap.
template <size_t K>
HWY_INLINE void saturate(DF d, VF (&r)[K], VF (&g)[K], VF (&b)[K], float sat, bool linear,
                         const ColorTables& t) {
    VF lms_l[K], lms_m[K], lms_s[K];
    auto lowest = hn::Set(d, 1.0f);
    for (size_t k = 0; k < K; ++k) {
        r[k] = clamp01(d, r[k]);
        g[k] = clamp01(d, g[k]);
        b[k] = clamp01(d, b[k]);
        if (!linear) {
            r[k] = srgb_to_linear(d, r[k], t);
            g[k] = srgb_to_linear(d, g[k], t);
            b[k] = srgb_to_linear(d, b[k], t);
        }
        lms_l[k] = mat3(d, r[k], g[k], b[k], 0.4122214708f, 0.5363325363f, 0.0514459929f);
        lms_m[k] = mat3(d, r[k], g[k], b[k], 0.2119034982f, 0.6806995451f, 0.1073969566f);
        lms_s[k] = mat3(d, r[k], g[k], b[k], 0.0883024619f, 0.2817188376f, 0.6299787005f);
        lowest = hn::Min(lowest, hn::Min(hn::Min(lms_l[k], lms_m[k]), lms_s[k]));
    }
    VF l_[K], m_[K], s_[K];
    // Common case: no lane near black, where cbrt_nonneg gives exactly pow_table's value.
    if (hn::AllFalse(d, hn::Lt(lowest, hn::Set(d, 0x1p-15f)))) {
        for (size_t k = 0; k < K; ++k) {
            l_[k] = pow_table(d, lms_l[k], t.cbrt);
            m_[k] = pow_table(d, lms_m[k], t.cbrt);
            s_[k] = pow_table(d, lms_s[k], t.cbrt);
        }
    } else {
        for (size_t k = 0; k < K; ++k) {
            l_[k] = cbrt_nonneg(d, lms_l[k], t);
            m_[k] = cbrt_nonneg(d, lms_m[k], t);
            s_[k] = cbrt_nonneg(d, lms_s[k], t);
        }
    }
    const VF vs = hn::Set(d, sat);
    for (size_t k = 0; k < K; ++k) {
        const VF L = mat3(d, l_[k], m_[k], s_[k], 0.2104542553f, 0.7936177850f, -0.0040720468f);
        const VF l2 = hn::MulAdd(vs, hn::Sub(l_[k], L), L);
        const VF m2 = hn::MulAdd(vs, hn::Sub(m_[k], L), L);
        const VF s2 = hn::MulAdd(vs, hn::Sub(s_[k], L), L);
        const VF l3 = hn::Mul(hn::Mul(l2, l2), l2);
        const VF m3 = hn::Mul(hn::Mul(m2, m2), m2);
        const VF s3 = hn::Mul(hn::Mul(s2, s2), s2);
        r[k] = clamp01(d, mat3(d, l3, m3, s3, 4.0767416621f, -3.3077115913f, 0.2309699292f));
        g[k] = clamp01(d, mat3(d, l3, m3, s3, -1.2684380046f, 2.6097574011f, -0.3413193965f));
        b[k] = clamp01(d, mat3(d, l3, m3, s3, -0.0041960863f, -0.7034186147f, 1.7076147010f));
    }
    if (!linear) {
        for (size_t k = 0; k < K; ++k) {
            r[k] = linear_to_srgb(d, r[k], t);
            g[k] = linear_to_srgb(d, g[k], t);
            b[k] = linear_to_srgb(d, b[k], t);
        }
    }
}

HWY_INLINE VF s_curve(DF d, VF c, VF contrast) {
    const VF k = clamp01(d, c);
    const VF s = hn::Mul(hn::Mul(k, k), hn::NegMulAdd(hn::Set(d, 2.0f), k, hn::Set(d, 3.0f)));
    return hn::MulAdd(contrast, hn::Sub(s, k), c);
}

// AVX-512 keeps the 3x3 statistics of the sharpening step in registers: the neighbours of a
// vector of pixels are lane shifts (valignd) of it and of the vectors before and after it, so the
// vertical sums, minima and maxima never go through scratch rows (whose reads at x - 1 and x + 1
// would each split a cache line). Other targets use the scratch rows.
#undef KZ_ENHANCE_REGISTER_STATS  // defined once per target
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
#define KZ_ENHANCE_REGISTER_STATS 1
// [prev[last], cur[0 .. last - 1]]: the values at x - 1 for the pixels of cur.
HWY_INLINE VF FromLeft(VF prev, VF cur) {
    return VF{_mm512_castsi512_ps(
        _mm512_alignr_epi32(_mm512_castps_si512(cur.raw), _mm512_castps_si512(prev.raw), 15))};
}
// [cur[1 .. last], next[0]]: the values at x + 1.
HWY_INLINE VF FromRight(VF cur, VF next) {
    return VF{_mm512_castsi512_ps(
        _mm512_alignr_epi32(_mm512_castps_si512(next.raw), _mm512_castps_si512(cur.raw), 1))};
}

// Vertical 3-row sum, minimum and maximum of one vector of pixels, in the order of the scratch
// path (and of the reference): (up + mid) + down, min(min(up, mid), down), max likewise.
struct Stats {
    VF sum, lo, hi, mid;
};
HWY_INLINE Stats VerticalStats(DF d, const float* up, const float* mid, const float* down) {
    const VF u = hn::LoadU(d, up), m = hn::LoadU(d, mid), o = hn::LoadU(d, down);
    return {hn::Add(hn::Add(u, m), o), hn::Min(hn::Min(u, m), o), hn::Max(hn::Max(u, m), o), m};
}
#else
#define KZ_ENHANCE_REGISTER_STATS 0
#endif

// Steps 1-3 of one channel over local [0, span) of the chunk at x0 of a row whose whole vectors
// cover [0, wr) (w the width), sharpening on: o[i] from the rows up / mid / down (at x0).
template <class Steps>
HWY_INLINE void SharpenChannel(DF d, const float* up, const float* mid, const float* down,
                               size_t x0, size_t span, size_t w, size_t wr, VF amount,
                               const Steps& rest, float* o) {
#if KZ_ENHANCE_REGISTER_STATS
    const size_t n = hn::Lanes(d);
    const VF ninth = hn::Set(d, 1.0f / 9.0f);
    const VF noise = hn::Set(d, 1.0f / 255.0f);
    const VF gain = hn::Set(d, 255.0f / 4.0f);
    Stats cur = VerticalStats(d, up, mid, down);
    Stats prev;
    if (x0 == 0) {
        // x = -1 is x = 0 (edge replication): the lane shifted in is lane 0 of cur.
        prev = {hn::Set(d, hn::GetLane(cur.sum)), hn::Set(d, hn::GetLane(cur.lo)),
                hn::Set(d, hn::GetLane(cur.hi)), cur.mid};
    } else {
        prev = VerticalStats(d, up - n, mid - n, down - n);
    }
    for (size_t i = 0; i < span; i += n) {
        const bool last = x0 + i + n >= wr;  // the vector holding x = w - 1
        const Stats next = last ? cur : VerticalStats(d, up + i + n, mid + i + n, down + i + n);
        VF sr = FromRight(cur.sum, next.sum), lr = FromRight(cur.lo, next.lo),
           hr = FromRight(cur.hi, next.hi);
        if (last) {
            // x = w is x = w - 1 (edge replication).
            const hn::RebindToSigned<DF> di;
            const auto edge = hn::RebindMask(
                d, hn::Eq(hn::Iota(di, 0), hn::Set(di, static_cast<int32_t>(w - 1 - x0 - i))));
            sr = hn::IfThenElse(edge, cur.sum, sr);
            lr = hn::IfThenElse(edge, cur.lo, lr);
            hr = hn::IfThenElse(edge, cur.hi, hr);
        }
        const VF sum = hn::Add(hn::Add(FromLeft(prev.sum, cur.sum), cur.sum), sr);
        const VF lo = hn::Min(hn::Min(FromLeft(prev.lo, cur.lo), cur.lo), lr);
        const VF hi = hn::Max(hn::Max(FromLeft(prev.hi, cur.hi), cur.hi), hr);
        const VF v = cur.mid;
        const VF ad = clamp01(d, hn::Mul(hn::Sub(hn::Sub(hi, lo), noise), gain));
        const VF detail = hn::Sub(v, hn::Mul(sum, ninth));
        const VF sharp = hn::Min(hn::Max(hn::Add(v, hn::Mul(hn::Mul(amount, ad), detail)), lo), hi);
        hn::StoreU(rest(sharp, i), d, o + i);
        prev = cur;
        cur = next;
    }
#else
    (void)d, (void)up, (void)mid, (void)down, (void)x0, (void)span, (void)w, (void)wr;
    (void)amount, (void)rest, (void)o;
#endif
}

}  // namespace

// Line-darken factors of x in [x0, end) into factor[x - x0] (dark on line-art pixels, else 1),
// and 1 for x in [end, pad_end). halved: a.cls_x[w - 1] == (w - 1) / 2; vectors where cls_x is
// x / 2 then read the class bytes with one load (inside the class row while x + 2 * lanes <=
// w: the last byte read is then at most cls_x[w - 1]), the others go pixel by pixel.
HWY_INLINE void line_factors(const enhance_detail::RowArgs& a, size_t x0, size_t end,
                             size_t pad_end, float dark, bool halved, float* factor) {
    const DF d;
    const hn::RebindToSigned<DF> di;
    const hn::Rebind<uint8_t, decltype(di)> d8;
    const size_t n = hn::Lanes(d);
    const auto half_iota = hn::ShiftRight<1>(hn::Iota(di, 0));
    const auto line = hn::Set(di, static_cast<int32_t>(PixelClass::line_art));
    const VF vdark = hn::Set(d, dark), one = hn::Set(d, 1.0f);
    size_t x = x0;
    if (halved) {
        for (; x + n <= end && x + 2 * n <= static_cast<size_t>(a.width); x += n) {
            const auto idx = hn::LoadU(di, a.cls_x + x);
            const auto want = hn::Add(hn::Set(di, static_cast<int32_t>(x / 2)), half_iota);
            if (x % 2 != 0 || !hn::AllTrue(di, hn::Eq(idx, want))) break;
            const auto bytes = hn::PromoteTo(di, hn::LoadU(d8, a.cls + x / 2));
            const auto cls = hn::TableLookupLanes(bytes, hn::IndicesFromVec(di, half_iota));
            const auto is_line = hn::RebindMask(d, hn::Eq(cls, line));
            hn::StoreU(hn::IfThenElse(is_line, vdark, one), d, factor + (x - x0));
        }
    }
    for (; x < end; ++x) {
        factor[x - x0] =
            a.cls[a.cls_x[x]] == static_cast<uint8_t>(PixelClass::line_art) ? dark : 1.0f;
    }
    for (; x < pad_end; ++x) factor[x - x0] = 1.0f;
}

// Step 4 over a chunk: rgb[ch][0, span) -> out[ch][0, span). With 32 vector registers
// (AVX-512), two vectors at a time so that their long dependency chains overlap; with fewer,
// the second vector's values would be spilled, so one.
HWY_INLINE void saturate_chunk(const float* const rgb[3], size_t span, float sat, bool linear,
                               const ColorTables& t, float* const out[3]) {
    const DF d;
    const size_t n = hn::Lanes(d);
    constexpr size_t kPair = hn::MaxLanes(DF()) >= 16 ? 2 : 1;
    size_t i = 0;
    for (; i + kPair * n <= span; i += kPair * n) {
        VF r[kPair], g[kPair], b[kPair];
        for (size_t k = 0; k < kPair; ++k) {
            r[k] = hn::LoadU(d, rgb[0] + i + k * n);
            g[k] = hn::LoadU(d, rgb[1] + i + k * n);
            b[k] = hn::LoadU(d, rgb[2] + i + k * n);
        }
        saturate(d, r, g, b, sat, linear, t);
        for (size_t k = 0; k < kPair; ++k) {
            hn::StoreU(r[k], d, out[0] + i + k * n);
            hn::StoreU(g[k], d, out[1] + i + k * n);
            hn::StoreU(b[k], d, out[2] + i + k * n);
        }
    }
    for (; i < span; i += n) {
        VF r[1] = {hn::LoadU(d, rgb[0] + i)};
        VF g[1] = {hn::LoadU(d, rgb[1] + i)};
        VF b[1] = {hn::LoadU(d, rgb[2] + i)};
        saturate(d, r, g, b, sat, linear, t);
        hn::StoreU(r[0], d, out[0] + i);
        hn::StoreU(g[0], d, out[1] + i);
        hn::StoreU(b[0], d, out[2] + i);
    }
}

void EnhanceRow(const enhance_detail::RowArgs& a, const EnhanceParams& p, bool linear,
                float* scratch, float* const dst[3]) {
    const DF d;
    const size_t n = hn::Lanes(d);
    const size_t w = static_cast<size_t>(a.width);
    const size_t wr = (w + n - 1) / n * n;  // whole vectors cover [0, wr)
    // Chunk-local scratch rows: element i is x = x0 + i, valid from i = -1 to kChunk + n.
    float* vsum[3];
    float* vmin[3];
    float* vmax[3];
    scratch =
        reinterpret_cast<float*>((reinterpret_cast<uintptr_t>(scratch) + 63) & ~uintptr_t{63});
    for (int ch = 0; ch < 3; ++ch) {
        vsum[ch] = scratch + (3 * ch + 0) * kLocal + kPad;
        vmin[ch] = scratch + (3 * ch + 1) * kLocal + kPad;
        vmax[ch] = scratch + (3 * ch + 2) * kLocal + kPad;
    }
    float* factor = scratch + 9 * kLocal + kPad;
    // Values after steps 1-3 of the chunk when step 4 follows (then run two vectors at a time).
    float* stage[3] = {scratch + 10 * kLocal, scratch + 11 * kLocal, scratch + 12 * kLocal};
    const bool sharpen = p.sharpen > 0.0f;
    const bool darken = a.cls && p.line_darken > 0.0f;
    const float dark = 1.0f - enhance_line_darken_scale * p.line_darken;
    const VF amount = hn::Set(d, p.sharpen);
    const VF ninth = hn::Set(d, 1.0f / 9.0f);
    const VF noise = hn::Set(d, 1.0f / 255.0f);
    const VF gain = hn::Set(d, 255.0f / 4.0f);
    const VF contrast = hn::Set(d, p.contrast);
    const bool do_contrast = p.contrast > 0.0f;
    const bool do_sat = p.saturation != 1.0f;
    const ColorTables tables;
    // Row pointers in locals: stores through dst could alias the argument arrays otherwise,
    // forcing a reload of each pointer per vector.
    const float* const mid_rows[3] = {a.mid[0], a.mid[1], a.mid[2]};
    float* const out[3] = {dst[0], dst[1], dst[2]};
    // The class map at half the frame width (stage 2 before a x2 upscale): x reads x / 2.
    const bool halved = darken && static_cast<size_t>(a.cls_x[w - 1]) == (w - 1) / 2;
    for (size_t x0 = 0; x0 < w; x0 += kChunk) {
        const size_t span = std::min(kChunk, wr - x0);  // lanes of output in this chunk
        if (sharpen && !KZ_ENHANCE_REGISTER_STATS) {
            // Vertical 3-row sum / min / max for local [-1, span + 1); the first n + 1 values
            // come from the previous chunk when there is one.
            const size_t end = std::min(span + n, wr - x0);
            size_t start = 0;
            if (x0 > 0) {
                for (int ch = 0; ch < 3; ++ch) {
                    for (float* row : {vsum[ch], vmin[ch], vmax[ch]}) {
                        // n + 1 floats, ranges apart (kChunk > n + 1): one vector and one.
                        hn::StoreU(hn::LoadU(d, row + kChunk - 1), d, row - 1);
                        row[n - 1] = row[kChunk + n - 1];
                    }
                }
                start = n;
            }
            for (int ch = 0; ch < 3; ++ch) {
                const float* up = a.up[ch] + x0;
                const float* mid = a.mid[ch] + x0;
                const float* down = a.down[ch] + x0;
                for (size_t i = start; i < end; i += n) {
                    const VF u = hn::LoadU(d, up + i);
                    const VF m = hn::LoadU(d, mid + i);
                    const VF o = hn::LoadU(d, down + i);
                    hn::StoreU(hn::Add(hn::Add(u, m), o), d, vsum[ch] + i);
                    hn::StoreU(hn::Min(hn::Min(u, m), o), d, vmin[ch] + i);
                    hn::StoreU(hn::Max(hn::Max(u, m), o), d, vmax[ch] + i);
                }
                for (float* row : {vsum[ch], vmin[ch], vmax[ch]}) {
                    if (x0 == 0) row[-1] = row[0];
                    if (x0 + end >= w) row[w - x0] = row[w - x0 - 1];
                }
            }
        }
        if (darken) line_factors(a, x0, std::min(x0 + span, w), x0 + span, dark, halved, factor);
        // Steps 1-3 channel by channel (they do not mix channels): every pointer below is
        // invariant over the vector loop.
        for (int ch = 0; ch < 3; ++ch) {
            const float* mid = mid_rows[ch] + x0;
            const float* ps = vsum[ch];
            const float* pl = vmin[ch];
            const float* ph = vmax[ch];
            float* o = do_sat ? stage[ch] : out[ch] + x0;
            if (KZ_ENHANCE_REGISTER_STATS && sharpen) {
                // Line darkening and contrast after the sharpened value, as below.
                auto rest = [&](VF v, size_t i) HWY_ATTR {
                    if (darken) v = hn::Mul(v, hn::LoadU(d, factor + i));
                    if (do_contrast) v = s_curve(d, v, contrast);
                    return v;
                };
                SharpenChannel(d, a.up[ch] + x0, mid, a.down[ch] + x0, x0, span, w, wr, amount,
                               rest, o);
                continue;
            }
            for (size_t i = 0; i < span; i += n) {
                VF v = hn::LoadU(d, mid + i);
                if (sharpen) {
                    const VF sum = hn::Add(hn::Add(hn::LoadU(d, ps + i - 1), hn::LoadU(d, ps + i)),
                                           hn::LoadU(d, ps + i + 1));
                    const VF lo = hn::Min(hn::Min(hn::LoadU(d, pl + i - 1), hn::LoadU(d, pl + i)),
                                          hn::LoadU(d, pl + i + 1));
                    const VF hi = hn::Max(hn::Max(hn::LoadU(d, ph + i - 1), hn::LoadU(d, ph + i)),
                                          hn::LoadU(d, ph + i + 1));
                    const VF ad = clamp01(d, hn::Mul(hn::Sub(hn::Sub(hi, lo), noise), gain));
                    const VF detail = hn::Sub(v, hn::Mul(sum, ninth));
                    v = hn::Min(hn::Max(hn::Add(v, hn::Mul(hn::Mul(amount, ad), detail)), lo), hi);
                }
                if (darken) v = hn::Mul(v, hn::LoadU(d, factor + i));
                if (do_contrast) v = s_curve(d, v, contrast);
                hn::StoreU(v, d, o + i);
            }
        }
        if (do_sat) {
            float* const sat_out[3] = {out[0] + x0, out[1] + x0, out[2] + x0};
            saturate_chunk(stage, span, p.saturation, linear, tables, sat_out);
        }
    }
}

}  // namespace kizuna::stages::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace kizuna::stages {

HWY_EXPORT(EnhanceRow);

namespace enhance_detail {

size_t row_scratch_floats(int) noexcept {
    return 13 * kLocal + 16;  // the row kernel works in chunks: the width does not matter
}

void enhance_row(const RowArgs& args, const EnhanceParams& p, bool linear_input, float* scratch,
                 float* const dst[3]) {
    HWY_DYNAMIC_DISPATCH(EnhanceRow)(args, p, linear_input, scratch, dst);
}

}  // namespace enhance_detail

Result<void> ClassColumns::ensure(int width, int map_width) {
    if (x_ && width_ == width && map_width_ == map_width) return {};
    x_.reset(new (std::nothrow) int[width]);
    if (!x_) return make_error(Errc::out_of_memory, "enhance: cannot allocate class map index");
    for (int x = 0; x < width; ++x) x_[x] = static_cast<int>(int64_t{x} * map_width / width);
    width_ = width;
    map_width_ = map_width;
    return {};
}

Result<void> EnhanceCpu::run(const PlanarFrame& in, const FeatureMap* features,
                             const EnhanceParams& p, bool linear_input, PlanarFrame& out,
                             ThreadPool& pool) {
    const int w = in.width(), h = in.height();
    KZ_TRY(out.ensure(w, h, in.has_alpha()));
    const int bands = std::min(h, pool.size());
    const size_t per_band = enhance_detail::row_scratch_floats(w);
    if (scratch_floats_ < per_band * bands) {
        scratch_.reset(new (std::nothrow) float[per_band * bands]);
        if (!scratch_)
            return make_error(Errc::out_of_memory, "enhance: cannot allocate scratch rows");
        scratch_floats_ = per_band * bands;
    }
    const bool use_cls = features && features->cls && p.line_darken > 0.0f;
    const int fw = use_cls ? features->width() : 0, fh = use_cls ? features->height() : 0;
    if (use_cls) KZ_TRY(cls_x_.ensure(w, fw));
    auto body = [&](int b0, int b1) {
        for (int band = b0; band < b1; ++band) {
            float* scratch = scratch_.get() + per_band * band;
            const int y0 = static_cast<int>(int64_t{h} * band / bands);
            const int y1 = static_cast<int>(int64_t{h} * (band + 1) / bands);
            for (int y = y0; y < y1; ++y) {
                const int yu = std::max(y - 1, 0), yd = std::min(y + 1, h - 1);
                enhance_detail::RowArgs args;
                const Plane* src[3] = {&in.r, &in.g, &in.b};
                for (int ch = 0; ch < 3; ++ch) {
                    args.up[ch] = src[ch]->row(yu);
                    args.mid[ch] = src[ch]->row(y);
                    args.down[ch] = src[ch]->row(yd);
                }
                args.width = w;
                if (use_cls) {
                    args.cls = features->cls_row(static_cast<int>(int64_t{y} * fh / h));
                    args.cls_x = cls_x_.data();
                }
                float* const dst[3] = {out.r.row(y), out.g.row(y), out.b.row(y)};
                enhance_detail::enhance_row(args, p, linear_input, scratch, dst);
                if (in.has_alpha()) {
                    std::memcpy(out.a.row(y), in.a.row(y), sizeof(float) * static_cast<size_t>(w));
                }
            }
        }
    };
    pool.parallel_for(bands, body);
    return {};
}

}  // namespace kizuna::stages
#endif  // HWY_ONCE
