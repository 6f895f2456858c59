// Stage 5, fast CPU version: Highway SIMD row kernels (runtime dispatch) driven band by band
// over the thread pool. See temporal.hpp for the contract.
#include <cstdint>
#include <cstring>
#include <numeric>

#include "stages/temporal.hpp"
#include "stages/temporal_cpu.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "stages/temporal_cpu.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "stages/enhance_math-inl.h"

HWY_BEFORE_NAMESPACE();
namespace kizuna::stages::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

float DiffRow(const float* const e[3], const float* const h[3], int width, float* d) {
    const hn::ScalableTag<float> df;
    const size_t n = hn::Lanes(df);
    const size_t w = static_cast<size_t>(width);
    const auto third = hn::Set(df, 1.0f / 3.0f);
    const auto kr = hn::Set(df, 0.2126f), kg = hn::Set(df, 0.7152f), kb = hn::Set(df, 0.0722f);
    auto acc = hn::Zero(df);
    for (size_t x = 0; x < w; x += n) {
        const auto dr = hn::Sub(hn::LoadU(df, e[0] + x), hn::LoadU(df, h[0] + x));
        const auto dg = hn::Sub(hn::LoadU(df, e[1] + x), hn::LoadU(df, h[1] + x));
        const auto db = hn::Sub(hn::LoadU(df, e[2] + x), hn::LoadU(df, h[2] + x));
        const auto s = hn::Add(hn::Add(hn::Abs(dr), hn::Abs(dg)), hn::Abs(db));
        hn::StoreU(hn::Mul(s, third), df, d + x);
        const auto dy = hn::Abs(hn::MulAdd(kb, db, hn::MulAdd(kg, dg, hn::Mul(kr, dr))));
        acc = hn::Add(acc, hn::IfThenElseZero(hn::FirstN(df, w - x), dy));
    }
    d[-1] = d[0];
    d[w] = d[w - 1];
    return hn::GetLane(hn::SumOfLanes(df, acc));
}

// The history weight of stage 5 for the vector of pixels at x: strength times a ramp that falls
// from 1 to 0 as the 3x3 mean of the difference rows (d_up, d_mid, d_down, each readable at x - 1
// and x + lanes) rises to the motion threshold. Shared by the blend kernels so both compute it
// with the same arithmetic.
template <class D>
struct BlendWeight {
    BlendWeight(D df, const TemporalParams& p)
        : ninth(hn::Set(df, 1.0f / 9.0f)),
          t(hn::Set(df, p.motion_threshold)),
          inv_ramp(hn::Set(df, 2.0f / p.motion_threshold)),
          strength(hn::Set(df, p.strength)),
          zero(hn::Zero(df)),
          one(hn::Set(df, 1.0f)) {}

    HWY_INLINE hn::Vec<D> operator()(D df, const float* d_up, const float* d_mid,
                                     const float* d_down, size_t x) const {
        auto m = hn::Add(hn::Add(hn::LoadU(df, d_up + x - 1), hn::LoadU(df, d_up + x)),
                         hn::LoadU(df, d_up + x + 1));
        m = hn::Add(m, hn::Add(hn::Add(hn::LoadU(df, d_mid + x - 1), hn::LoadU(df, d_mid + x)),
                               hn::LoadU(df, d_mid + x + 1)));
        m = hn::Add(m, hn::Add(hn::Add(hn::LoadU(df, d_down + x - 1), hn::LoadU(df, d_down + x)),
                               hn::LoadU(df, d_down + x + 1)));
        m = hn::Mul(m, ninth);
        const auto ramp = hn::Min(hn::Max(hn::Mul(hn::Sub(t, m), inv_ramp), zero), one);
        return hn::Mul(strength, ramp);
    }

    hn::Vec<D> ninth, t, inv_ramp, strength, zero, one;
};

void BlendRow(const float* d_up, const float* d_mid, const float* d_down, const float* const e[3],
              const float* const h[3], int width, const TemporalParams& p, float* const out[3]) {
    const hn::ScalableTag<float> df;
    const size_t n = hn::Lanes(df);
    const size_t w = static_cast<size_t>(width);
    const BlendWeight<decltype(df)> weight(df, p);
    for (size_t x = 0; x < w; x += n) {
        const auto wt = weight(df, d_up, d_mid, d_down, x);
        for (int c = 0; c < 3; ++c) {
            const auto ev = hn::LoadU(df, e[c] + x);
            const auto hv = hn::LoadU(df, h[c] + x);
            hn::StoreU(hn::MulAdd(wt, hn::Sub(hv, ev), ev), df, out[c] + x);
        }
    }
}

void BlendPackRow(const float* d_up, const float* d_mid, const float* d_down,
                  const float* const e[3], const float* const h[3], int width,
                  const TemporalParams& p, float* const out[3], const float* alpha,
                  bool encode_srgb, PixelFormat format, std::byte* dst) {
    const hn::ScalableTag<float> df;
    const size_t n = hn::Lanes(df);
    const size_t w = static_cast<size_t>(width);
    const BlendWeight<decltype(df)> weight(df, p);
    const size_t vec_bytes = n * sizeof(float);
    bool stream_rows = true;
    for (int c = 0; c < 3; ++c) {
        stream_rows = stream_rows && reinterpret_cast<uintptr_t>(out[c]) % vec_bytes == 0;
    }
    const size_t bpp = bytes_per_pixel(format);
    auto* px = reinterpret_cast<uint8_t*>(dst);
    const bool stream_px =
        format == PixelFormat::rgba8 && n * bpp == 64 && reinterpret_cast<uintptr_t>(px) % 64 == 0;
    const ColorTables tables;
    HWY_ALIGN uint8_t tail[16 * hn::MaxLanes(hn::ScalableTag<float>())];
    const float* const er[3] = {e[0], e[1], e[2]};
    const float* const hr[3] = {h[0], h[1], h[2]};
    float* const orow[3] = {out[0], out[1], out[2]};
    for (size_t x = 0; x < w; x += n) {
        const auto wt = weight(df, d_up, d_mid, d_down, x);
        hn::Vec<decltype(df)> v[3];
        for (int c = 0; c < 3; ++c) {
            const auto ev = hn::LoadU(df, er[c] + x);
            const auto hv = hn::LoadU(df, hr[c] + x);
            v[c] = hn::MulAdd(wt, hn::Sub(hv, ev), ev);
            if (stream_rows) {
                hn::Stream(v[c], df, orow[c] + x);
            } else {
                hn::StoreU(v[c], df, orow[c] + x);
            }
            if (encode_srgb) v[c] = linear_to_srgb(df, pack_sanitize(df, v[c]), tables);
            v[c] = pack_sanitize(df, v[c]);
        }
        const auto a = alpha ? pack_sanitize(df, hn::LoadU(df, alpha + x)) : weight.one;
        if (x + n <= w) {
            pack_store_pixels(df, v[0], v[1], v[2], a, format, px + x * bpp, stream_px);
        } else {
            pack_store_pixels(df, v[0], v[1], v[2], a, format, tail);
            std::memcpy(px + x * bpp, tail, (w - x) * bpp);
        }
    }
    hwy::FlushStream();
}

}  // namespace kizuna::stages::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace kizuna::stages {

HWY_EXPORT(DiffRow);
HWY_EXPORT(BlendRow);
HWY_EXPORT(BlendPackRow);

namespace temporal_detail {

float diff_row(const float* const e[3], const float* const h[3], int width, float* d) {
    return HWY_DYNAMIC_DISPATCH(DiffRow)(e, h, width, d);
}

void blend_row(const float* d_up, const float* d_mid, const float* d_down, const float* const e[3],
               const float* const h[3], int width, const TemporalParams& p, float* const out[3]) {
    HWY_DYNAMIC_DISPATCH(BlendRow)(d_up, d_mid, d_down, e, h, width, p, out);
}

void blend_pack_row(const float* d_up, const float* d_mid, const float* d_down,
                    const float* const e[3], const float* const h[3], int width,
                    const TemporalParams& p, float* const out[3], const float* alpha,
                    bool encode_srgb, PixelFormat format, std::byte* dst) {
    HWY_DYNAMIC_DISPATCH(BlendPackRow)
    (d_up, d_mid, d_down, e, h, width, p, out, alpha, encode_srgb, format, dst);
}

size_t band_scratch_floats(int width) noexcept {
    return 3 * ((static_cast<size_t>(width) + 15) / 16 * 16 + 32);
}

}  // namespace temporal_detail

Result<bool> TemporalCpu::run(const PlanarFrame& in, const TemporalParams& p, PlanarFrame& out,
                              ThreadPool& pool) {
    const int w = in.width(), h = in.height();
    KZ_TRY(out.ensure(w, h, in.has_alpha()));
    bool reset = !valid_ || history_.width() != w || history_.height() != h;
    KZ_TRY(history_.ensure(w, h, false));
    const int bands = std::min(h, pool.size());
    const size_t per_band = temporal_detail::band_scratch_floats(w);
    if (scratch_floats_ < per_band * bands) {
        scratch_.reset(new (std::nothrow) float[per_band * bands]);
        if (!scratch_) return make_error(Errc::out_of_memory, "temporal: cannot allocate scratch");
        scratch_floats_ = per_band * bands;
    }
    if (luma_sums_.size() != static_cast<size_t>(h)) luma_sums_.assign(h, 0.0f);

    auto pass = [&](bool as_reset) {
        pool.parallel_for(bands, [&](int b0, int b1) {
            for (int band = b0; band < b1; ++band) {
                const int y0 = static_cast<int>(int64_t{h} * band / bands);
                const int y1 = static_cast<int>(int64_t{h} * (band + 1) / bands);
                const float* e_rows[3];
                const float* h_rows[3];
                float* o_rows[3];
                temporal_detail::run_band(
                    y0, y1, h, w, as_reset, p, scratch_.get() + per_band * band, luma_sums_.data(),
                    [&](int y, int) -> const float* const* {
                        e_rows[0] = in.r.row(y), e_rows[1] = in.g.row(y), e_rows[2] = in.b.row(y);
                        return e_rows;
                    },
                    [&](int y) -> const float* const* {
                        h_rows[0] = history_.r.row(y), h_rows[1] = history_.g.row(y);
                        h_rows[2] = history_.b.row(y);
                        return h_rows;
                    },
                    [&](int y) -> float* const* {
                        o_rows[0] = out.r.row(y), o_rows[1] = out.g.row(y),
                        o_rows[2] = out.b.row(y);
                        return o_rows;
                    },
                    [&](int y) {
                        if (in.has_alpha()) {
                            std::memcpy(out.a.row(y), in.a.row(y),
                                        sizeof(float) * static_cast<size_t>(w));
                        }
                    });
            }
        });
    };
    if (!reset) {
        pass(false);
        double sum = 0.0;
        for (float s : luma_sums_) sum += s;
        reset = sum / (static_cast<double>(w) * h) > p.scene_cut_threshold;
    }
    if (reset) pass(true);
    // Neighbouring bands read history rows around their edges during the pass, so the new
    // history is copied only once every band is done.
    pool.parallel_for(
        h,
        [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) {
                std::memcpy(history_.r.row(y), out.r.row(y),
                            sizeof(float) * static_cast<size_t>(w));
                std::memcpy(history_.g.row(y), out.g.row(y),
                            sizeof(float) * static_cast<size_t>(w));
                std::memcpy(history_.b.row(y), out.b.row(y),
                            sizeof(float) * static_cast<size_t>(w));
            }
        },
        16);
    valid_ = true;
    return reset;
}

}  // namespace kizuna::stages
#endif  // HWY_ONCE
