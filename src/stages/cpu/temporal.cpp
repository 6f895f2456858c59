// Stage 5, fast CPU version: Highway SIMD row kernels (runtime dispatch) driven band by band
// over the thread pool. See temporal.hpp for the contract: these kernels evaluate it with the
// same float operations as the reference (no FMA), and keep the history as fp16.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "stages/cpu/temporal.hpp"
#include "stages/temporal.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "stages/cpu/temporal.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "stages/cpu/color_math-inl.h"

HWY_BEFORE_NAMESPACE();
namespace kizuna::stages::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// a * b rounded on its own: GCC contracts a multiply and a following add into an FMA
// (-ffp-contract=fast is its C++ default), which temporal.hpp's evaluation does not allow. The
// empty asm makes the product opaque to that. (Targets without .raw vectors have no FMA.)
template <class V>
HWY_INLINE V MulRounded(V a, V b) {
    V p = hn::Mul(a, b);
#if HWY_ARCH_X86 && HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128
    asm("" : "+v"(p.raw));
#endif
    return p;
}

// fp16 -> float for one vector of floats (to_half, color_math-inl.h, is the other way).
template <class D>
HWY_INLINE hn::Vec<D> LoadHalf(D df, const uint16_t* p) {
    const hn::Rebind<hwy::float16_t, D> dh;
    return hn::PromoteTo(df, hn::LoadU(dh, reinterpret_cast<const hwy::float16_t*>(p)));
}

template <class D, class VH>
HWY_INLINE void StoreHalf(D df, VH v, uint16_t* p, bool stream) {
    const hn::Rebind<hwy::float16_t, D> dh;
    (void)df;
    auto* q = reinterpret_cast<hwy::float16_t*>(p);
    if (stream) {
        hn::Stream(v, dh, q);
    } else {
        hn::StoreU(v, dh, q);
    }
}

// pack_sanitize and pack_store_pixels for rgba8 (color_math-inl.h), with the same results in
// fewer operations on x86 with AVX2 or better: maxps returns its second operand when the first
// is NaN, so max(v, 0) already maps NaN to 0; and the sanitized values times 255 lie in
// [0, 255], where cvtps2dq (round to nearest even) equals NearestInt without its overflow fix.
#undef KZ_TEMPORAL_X86_PACK  // this file is compiled once per target
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX2
#define KZ_TEMPORAL_X86_PACK 1
#else
#define KZ_TEMPORAL_X86_PACK 0
#endif

template <class D, class V>
HWY_INLINE V Sanitize(D d, V v) {
#if KZ_TEMPORAL_X86_PACK
    return hn::Min(hn::Max(v, hn::Zero(d)), hn::Set(d, 1.0f));
#else
    return pack_sanitize(d, v);
#endif
}

template <class D, class V>
HWY_INLINE void StorePixels(D d, V r, V g, V b, V a, PixelFormat format, uint8_t* dst,
                            bool stream) {
#if KZ_TEMPORAL_X86_PACK
    if (format == PixelFormat::rgba8) {
        const hn::RebindToSigned<D> di;
        const hn::RebindToUnsigned<D> du;
        const V k = hn::Set(d, 255.0f);
        auto to_int = [&](V v) HWY_ATTR {
            const V x = hn::Mul(v, k);
            if constexpr (hn::MaxLanes(D()) == 16) {
                return hn::Vec<decltype(di)>{_mm512_cvtps_epi32(x.raw)};
            } else if constexpr (hn::MaxLanes(D()) == 8) {
                return hn::Vec<decltype(di)>{_mm256_cvtps_epi32(x.raw)};
            } else {
                return hn::NearestInt(x);
            }
        };
        const auto px = hn::Or(hn::Or(to_int(r), hn::ShiftLeft<8>(to_int(g))),
                               hn::Or(hn::ShiftLeft<16>(to_int(b)), hn::ShiftLeft<24>(to_int(a))));
        auto* out = reinterpret_cast<uint32_t*>(dst);
        if (stream) {
            hn::Stream(hn::BitCast(du, px), du, out);
        } else {
            hn::StoreU(hn::BitCast(du, px), du, out);
        }
        return;
    }
#endif
    pack_store_pixels(d, r, g, b, a, format, dst, stream);
}

float DiffRow(const float* const e[3], const uint16_t* const h[3], int width, float* d, float* r,
              const uint16_t* const* prefetch) {
    const hn::ScalableTag<float> df;
    const size_t n = hn::Lanes(df);
    const size_t w = static_cast<size_t>(width);
    const auto third = hn::Set(df, 1.0f / 3.0f);
    const auto kr = hn::Set(df, 0.2126f), kg = hn::Set(df, 0.7152f), kb = hn::Set(df, 0.0722f);
    // Stores D at x, returns |Y(E) - Y(H)|.
    auto diff = [&](size_t x) HWY_ATTR {
        const auto dr = hn::Sub(hn::LoadU(df, e[0] + x), LoadHalf(df, h[0] + x));
        const auto dg = hn::Sub(hn::LoadU(df, e[1] + x), LoadHalf(df, h[1] + x));
        const auto db = hn::Sub(hn::LoadU(df, e[2] + x), LoadHalf(df, h[2] + x));
        const auto s = hn::Add(hn::Add(hn::Abs(dr), hn::Abs(dg)), hn::Abs(db));
        hn::StoreU(hn::Mul(s, third), df, d + x);
        return hn::Abs(hn::MulAdd(kb, db, hn::MulAdd(kg, dg, hn::Mul(kr, dr))));
    };
    auto acc0 = hn::Zero(df), acc1 = hn::Zero(df);
    size_t x = 0;
    const uint16_t* pf[3] = {};
    if (prefetch) pf[0] = prefetch[0], pf[1] = prefetch[1], pf[2] = prefetch[2];
    for (; x + 2 * n <= w; x += 2 * n) {
        if (pf[0]) {
            for (const uint16_t* row : pf) hwy::Prefetch(row + x);
        }
        acc0 = hn::Add(acc0, diff(x));
        acc1 = hn::Add(acc1, diff(x + n));
    }
    for (; x < w; x += n) acc0 = hn::Add(acc0, hn::IfThenElseZero(hn::FirstN(df, w - x), diff(x)));
    d[-1] = d[0];
    d[w] = d[w - 1];
    for (x = 0; x < w; x += n) {
        const auto s = hn::Add(hn::Add(hn::LoadU(df, d + x - 1), hn::LoadU(df, d + x)),
                               hn::LoadU(df, d + x + 1));
        hn::StoreU(s, df, r + x);
    }
    return hn::GetLane(hn::SumOfLanes(df, hn::Add(acc0, acc1)));
}

// The history weight of stage 5 for the vector of pixels at x from the three R rows around the
// row (temporal.hpp): min(max(2 strength - S k, 0), strength). Shared by the blend kernels so
// both compute it with the same arithmetic.
template <class D>
struct BlendWeight {
    BlendWeight(D df, const TemporalParams& p)
        : k(hn::Set(df, temporal_slope(p))),
          two_s(hn::Set(df, 2.0f * p.strength)),
          strength(hn::Set(df, p.strength)),
          zero(hn::Zero(df)),
          one(hn::Set(df, 1.0f)) {}

    HWY_INLINE hn::Vec<D> operator()(D df, const float* r_up, const float* r_mid,
                                     const float* r_down, size_t x) const {
        const auto s = hn::Add(hn::Add(hn::LoadU(df, r_up + x), hn::LoadU(df, r_mid + x)),
                               hn::LoadU(df, r_down + x));
        return hn::Min(hn::Max(hn::Sub(two_s, MulRounded(s, k)), zero), strength);
    }

    hn::Vec<D> k, two_s, strength, zero, one;
};

template <class D>
bool rows_aligned(D df, const void* const* rows, size_t bytes_per_lane) {
    bool ok = true;
    for (int c = 0; c < 3; ++c) {
        ok = ok && rows[c] &&
             reinterpret_cast<uintptr_t>(rows[c]) % (hn::Lanes(df) * bytes_per_lane) == 0;
    }
    return ok;
}

void BlendRow(const float* r_up, const float* r_mid, const float* r_down, const float* const e[3],
              const uint16_t* const h[3], int width, const TemporalParams& p, float* const out[3],
              uint16_t* const hist_out[3]) {
    const hn::ScalableTag<float> df;
    const size_t n = hn::Lanes(df);
    const size_t w = static_cast<size_t>(width);
    const BlendWeight<decltype(df)> weight(df, p);
    for (size_t x = 0; x < w; x += n) {
        const auto wt = weight(df, r_up, r_mid, r_down, x);
        for (int c = 0; c < 3; ++c) {
            const auto ev = hn::LoadU(df, e[c] + x);
            const auto v = hn::Add(ev, MulRounded(wt, hn::Sub(LoadHalf(df, h[c] + x), ev)));
            hn::StoreU(v, df, out[c] + x);
            if (hist_out) StoreHalf(df, to_half(df, v), hist_out[c] + x, false);
        }
    }
}

void RoundRow(const float* src, int width, uint16_t* dst) {
    const hn::ScalableTag<float> df;
    const size_t n = hn::Lanes(df);
    for (size_t x = 0; x < static_cast<size_t>(width); x += n) {
        StoreHalf(df, to_half(df, hn::LoadU(df, src + x)), dst + x, false);
    }
}

// The loop of BlendPackRow for one combination of the options, so that its body has no
// branches but the stream choice of the pixel store (taken the same way every time).
template <PixelFormat kFormat, bool kSrgb, bool kAlpha, bool kStreamRows>
HWY_NOINLINE void BlendPackLoop(const float* r_up, const float* r_mid, const float* r_down,
                                const float* const e[3], const uint16_t* const h[3], size_t w,
                                const TemporalParams& p, uint16_t* const hist_out[3],
                                const float* alpha, bool stream_px, uint8_t* px) {
    const hn::ScalableTag<float> df;
    const size_t n = hn::Lanes(df);
    const BlendWeight<decltype(df)> weight(df, p);
    const ColorTables tables;
    constexpr size_t bpp = kFormat == PixelFormat::rgba8     ? 4
                           : kFormat == PixelFormat::rgba16f ? 8
                                                             : 16;
    const float* const e0 = e[0];
    const float* const e1 = e[1];
    const float* const e2 = e[2];
    const uint16_t* const h0 = h[0];
    const uint16_t* const h1 = h[1];
    const uint16_t* const h2 = h[2];
    uint16_t* const o0 = hist_out[0];
    uint16_t* const o1 = hist_out[1];
    uint16_t* const o2 = hist_out[2];
    // Blends, stores the history and packs the pixels at x into dst.
    auto pixels = [&](size_t x, uint8_t * dst, bool stream) HWY_ATTR
        __attribute__((always_inline)) {
        const auto wt = weight(df, r_up, r_mid, r_down, x);
        const auto ev0 = hn::LoadU(df, e0 + x);
        const auto ev1 = hn::LoadU(df, e1 + x);
        const auto ev2 = hn::LoadU(df, e2 + x);
        auto v0 = hn::Add(ev0, MulRounded(wt, hn::Sub(LoadHalf(df, h0 + x), ev0)));
        auto v1 = hn::Add(ev1, MulRounded(wt, hn::Sub(LoadHalf(df, h1 + x), ev1)));
        auto v2 = hn::Add(ev2, MulRounded(wt, hn::Sub(LoadHalf(df, h2 + x), ev2)));
        StoreHalf(df, to_half(df, v0), o0 + x, kStreamRows);
        StoreHalf(df, to_half(df, v1), o1 + x, kStreamRows);
        StoreHalf(df, to_half(df, v2), o2 + x, kStreamRows);
        v0 = Sanitize(df, v0);
        v1 = Sanitize(df, v1);
        v2 = Sanitize(df, v2);
        if constexpr (kSrgb) {
            v0 = Sanitize(df, linear_to_srgb(df, v0, tables));
            v1 = Sanitize(df, linear_to_srgb(df, v1, tables));
            v2 = Sanitize(df, linear_to_srgb(df, v2, tables));
        }
        const auto a = kAlpha ? Sanitize(df, hn::LoadU(df, alpha + x)) : weight.one;
        StorePixels(df, v0, v1, v2, a, kFormat, dst, stream);
    };
    size_t x = 0;
    for (; x + n <= w; x += n) pixels(x, px + x * bpp, stream_px);
    if (x < w) {
        HWY_ALIGN uint8_t tail[16 * hn::MaxLanes(hn::ScalableTag<float>())];
        pixels(x, tail, false);
        std::memcpy(px + x * bpp, tail, (w - x) * bpp);
    }
}

template <PixelFormat kFormat, bool kSrgb, bool kAlpha>
void BlendPackFor(const float* r_up, const float* r_mid, const float* r_down,
                  const float* const e[3], const uint16_t* const h[3], size_t w,
                  const TemporalParams& p, uint16_t* const hist_out[3], const float* alpha,
                  bool stream_rows, bool stream_px, uint8_t* px) {
    if (stream_rows) {
        BlendPackLoop<kFormat, kSrgb, kAlpha, true>(r_up, r_mid, r_down, e, h, w, p, hist_out,
                                                    alpha, stream_px, px);
    } else {
        BlendPackLoop<kFormat, kSrgb, kAlpha, false>(r_up, r_mid, r_down, e, h, w, p, hist_out,
                                                     alpha, stream_px, px);
    }
}

template <PixelFormat kFormat>
void BlendPackFormat(const float* r_up, const float* r_mid, const float* r_down,
                     const float* const e[3], const uint16_t* const h[3], size_t w,
                     const TemporalParams& p, uint16_t* const hist_out[3], const float* alpha,
                     bool encode_srgb, bool stream_rows, bool stream_px, uint8_t* px) {
    if (encode_srgb) {
        if (alpha) {
            BlendPackFor<kFormat, true, true>(r_up, r_mid, r_down, e, h, w, p, hist_out, alpha,
                                              stream_rows, stream_px, px);
        } else {
            BlendPackFor<kFormat, true, false>(r_up, r_mid, r_down, e, h, w, p, hist_out, alpha,
                                               stream_rows, stream_px, px);
        }
    } else if (alpha) {
        BlendPackFor<kFormat, false, true>(r_up, r_mid, r_down, e, h, w, p, hist_out, alpha,
                                           stream_rows, stream_px, px);
    } else {
        BlendPackFor<kFormat, false, false>(r_up, r_mid, r_down, e, h, w, p, hist_out, alpha,
                                            stream_rows, stream_px, px);
    }
}

void BlendPackRow(const float* r_up, const float* r_mid, const float* r_down,
                  const float* const e[3], const uint16_t* const h[3], int width,
                  const TemporalParams& p, uint16_t* const hist_out[3], const float* alpha,
                  bool encode_srgb, PixelFormat format, std::byte* dst) {
    const hn::ScalableTag<float> df;
    const size_t n = hn::Lanes(df);
    const size_t w = static_cast<size_t>(width);
    const void* const hrows[3] = {hist_out[0], hist_out[1], hist_out[2]};
    // Streaming stores need whole aligned vectors: a row of fp16 is half as wide as its floats,
    // which on SSE4 (4 lanes) is a partial 8-byte vector that Stream would write 16 bytes for.
    const bool stream_rows =
        n * sizeof(uint16_t) >= 16 && rows_aligned(df, hrows, sizeof(uint16_t));
    auto* px = reinterpret_cast<uint8_t*>(dst);
    const bool stream_px =
        format == PixelFormat::rgba8 && n * 4 == 64 && reinterpret_cast<uintptr_t>(px) % 64 == 0;
    switch (format) {
        case PixelFormat::rgba8:
            BlendPackFormat<PixelFormat::rgba8>(r_up, r_mid, r_down, e, h, w, p, hist_out, alpha,
                                                encode_srgb, stream_rows, stream_px, px);
            break;
        case PixelFormat::rgba16f:
            BlendPackFormat<PixelFormat::rgba16f>(r_up, r_mid, r_down, e, h, w, p, hist_out, alpha,
                                                  encode_srgb, stream_rows, false, px);
            break;
        case PixelFormat::rgba32f:
            BlendPackFormat<PixelFormat::rgba32f>(r_up, r_mid, r_down, e, h, w, p, hist_out, alpha,
                                                  encode_srgb, stream_rows, false, px);
            break;
    }
    hwy::FlushStream();
}

}  // namespace kizuna::stages::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace kizuna::stages {

HWY_EXPORT(DiffRow);
HWY_EXPORT(BlendRow);
HWY_EXPORT(RoundRow);
HWY_EXPORT(BlendPackRow);

namespace temporal_detail {

float diff_row(const float* const e[3], const uint16_t* const h[3], int width, float* d, float* r,
               const uint16_t* const* prefetch) {
    return HWY_DYNAMIC_DISPATCH(DiffRow)(e, h, width, d, r, prefetch);
}

void blend_row(const float* r_up, const float* r_mid, const float* r_down, const float* const e[3],
               const uint16_t* const h[3], int width, const TemporalParams& p, float* const out[3],
               uint16_t* const hist_out[3]) {
    HWY_DYNAMIC_DISPATCH(BlendRow)(r_up, r_mid, r_down, e, h, width, p, out, hist_out);
}

void round_row(const float* src, int width, uint16_t* dst) {
    HWY_DYNAMIC_DISPATCH(RoundRow)(src, width, dst);
}

void blend_pack_row(const float* r_up, const float* r_mid, const float* r_down,
                    const float* const e[3], const uint16_t* const h[3], int width,
                    const TemporalParams& p, uint16_t* const hist_out[3], const float* alpha,
                    bool encode_srgb, PixelFormat format, std::byte* dst) {
    HWY_DYNAMIC_DISPATCH(BlendPackRow)
    (r_up, r_mid, r_down, e, h, width, p, hist_out, alpha, encode_srgb, format, dst);
}

namespace {
size_t row_pitch(int width) noexcept {
    return (static_cast<size_t>(width) + 15) / 16 * 16 + 32;
}
}  // namespace

size_t band_scratch_floats(int width) noexcept {
    return 4 * row_pitch(width) + 16;  // + 16: room to align the rows to 64 bytes
}

BandRows band_rows(float* scratch, int width) noexcept {
    const uintptr_t addr = reinterpret_cast<uintptr_t>(scratch);
    float* base = scratch + ((64 - addr % 64) % 64) / sizeof(float);
    const size_t pitch = row_pitch(width);
    return {{base + 16, base + pitch + 16, base + 2 * pitch + 16}, base + 3 * pitch + 16};
}

}  // namespace temporal_detail

namespace {

// Stage 5 over the rows [y0, y1) of whole frames: one band of TemporalCpu's row-parallel pass.
// reset: out = E and next = E rounded (steps 1-2). Otherwise step 3 blends E with prev into out
// and next, and luma_sums[y] receives row y's sum of |Y(E) - Y(H)|. Alpha is copied from in.
// scratch: band_scratch_floats(width) floats.
void run_band(const PlanarFrame& in, const HalfFrame& prev, HalfFrame& next, PlanarFrame& out,
              int y0, int y1, bool reset, const TemporalParams& p, float* scratch,
              float* luma_sums) {
    const int w = in.width(), h = in.height();
    auto copy_alpha = [&](int y) {
        if (in.has_alpha()) {
            std::memcpy(out.a.row(y), in.a.row(y), sizeof(float) * static_cast<size_t>(w));
        }
    };
    if (reset) {
        for (int y = y0; y < y1; ++y) {
            const float* const e[3] = {in.r.row(y), in.g.row(y), in.b.row(y)};
            float* const o[3] = {out.r.row(y), out.g.row(y), out.b.row(y)};
            uint16_t* const n[3] = {next.r.row(y), next.g.row(y), next.b.row(y)};
            for (int c = 0; c < 3; ++c) {
                if (o[c] != e[c]) std::copy(e[c], e[c] + w, o[c]);
                temporal_detail::round_row(e[c], w, n[c]);
            }
            copy_alpha(y);
        }
        return;
    }
    temporal_detail::DiffRing ring(scratch, w);
    int ready = std::max(y0 - 1, 0);  // the next row to add to the ring
    for (int y = y0; y < y1; ++y) {
        for (; ready <= std::min(y + 1, h - 1); ++ready) {
            const float* const e[3] = {in.r.row(ready), in.g.row(ready), in.b.row(ready)};
            const uint16_t* const hist[3] = {prev.r.row(ready), prev.g.row(ready),
                                             prev.b.row(ready)};
            const float sum = ring.add(ready, e, hist);
            if (ready >= y0 && ready < y1) luma_sums[ready] = sum;
        }
        const int yu = std::max(y - 1, 0), yd = std::min(y + 1, h - 1);
        const uint16_t* const hist[3] = {prev.r.row(y), prev.g.row(y), prev.b.row(y)};
        float* const o[3] = {out.r.row(y), out.g.row(y), out.b.row(y)};
        uint16_t* const n[3] = {next.r.row(y), next.g.row(y), next.b.row(y)};
        temporal_detail::blend_row(ring.r(yu), ring.r(y), ring.r(yd), ring.e(y), hist, w, p, o, n);
        copy_alpha(y);
    }
}

}  // namespace

Result<bool> TemporalCpu::run(const PlanarFrame& in, const TemporalParams& p, PlanarFrame& out,
                              ThreadPool& pool) {
    const int w = in.width(), h = in.height();
    KZ_TRY(out.ensure(w, h, in.has_alpha()));
    bool reset = !valid_ || history_[cur_].width() != w || history_[cur_].height() != h;
    KZ_TRY(history_[0].ensure(w, h));
    KZ_TRY(history_[1].ensure(w, h));
    const int bands = std::min(h, pool.size());
    const size_t per_band = temporal_detail::band_scratch_floats(w);
    if (scratch_floats_ < per_band * bands) {
        scratch_.reset(new (std::nothrow) float[per_band * bands]);
        if (!scratch_) return make_error(Errc::out_of_memory, "temporal: cannot allocate scratch");
        scratch_floats_ = per_band * bands;
    }
    if (luma_sums_.size() != static_cast<size_t>(h)) luma_sums_.assign(h, 0.0f);
    const HalfFrame& prev = history_[cur_];
    HalfFrame& next = history_[cur_ ^ 1];

    // Bands read H rows of their neighbours at their edges: H and the new history are distinct.
    auto pass = [&](bool as_reset) {
        pool.parallel_for(bands, [&](int b0, int b1) {
            for (int band = b0; band < b1; ++band) {
                const int y0 = static_cast<int>(int64_t{h} * band / bands);
                const int y1 = static_cast<int>(int64_t{h} * (band + 1) / bands);
                run_band(in, prev, next, out, y0, y1, as_reset, p, scratch_.get() + per_band * band,
                         luma_sums_.data());
            }
        });
    };
    if (!reset) {
        pass(false);
        double sum = 0.0;
        for (float s : luma_sums_) sum += s;
        reset = temporal_scene_cut(sum, w, h, p);
    }
    if (reset) pass(true);
    cur_ ^= 1;
    valid_ = true;
    return reset;
}

}  // namespace kizuna::stages
#endif  // HWY_ONCE
