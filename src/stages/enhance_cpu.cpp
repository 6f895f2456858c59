// Stage 4, fast CPU version: one row at a time with Highway SIMD (runtime dispatch to the best
// target of the machine), rows spread over the thread pool. See enhance.hpp for the contract.
#include <algorithm>
#include <cstring>

#include "stages/enhance.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "stages/enhance_cpu.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "stages/enhance_math-inl.h"

HWY_BEFORE_NAMESPACE();
namespace kizuna::stages::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace {

using DF = hn::ScalableTag<float>;
using VF = hn::Vec<DF>;

// Offset of x = 0 inside a scratch row (room for x = -1 and whole vectors past the end).
constexpr size_t kPad = 16;

size_t scratch_pitch(int width) {
    return (static_cast<size_t>(width) + 15) / 16 * 16 + 2 * kPad;
}

HWY_INLINE VF mat3(DF d, VF a, VF b, VF c, float ka, float kb, float kc) {
    return hn::MulAdd(hn::Set(d, kc), c, hn::MulAdd(hn::Set(d, kb), b, hn::Mul(hn::Set(d, ka), a)));
}

// Step 4 of enhance.hpp on one vector of pixels (inputs any value, outputs in [0, 1]).
HWY_INLINE void saturate(DF d, VF& r, VF& g, VF& b, float sat, bool linear, const ColorTables& t) {
    r = clamp01(d, r);
    g = clamp01(d, g);
    b = clamp01(d, b);
    if (!linear) {
        r = srgb_to_linear(d, r, t);
        g = srgb_to_linear(d, g, t);
        b = srgb_to_linear(d, b, t);
    }
    const VF l_ = cbrt_nonneg(d, mat3(d, r, g, b, 0.4122214708f, 0.5363325363f, 0.0514459929f), t);
    const VF m_ = cbrt_nonneg(d, mat3(d, r, g, b, 0.2119034982f, 0.6806995451f, 0.1073969566f), t);
    const VF s_ = cbrt_nonneg(d, mat3(d, r, g, b, 0.0883024619f, 0.2817188376f, 0.6299787005f), t);
    const VF L = mat3(d, l_, m_, s_, 0.2104542553f, 0.7936177850f, -0.0040720468f);
    const VF vs = hn::Set(d, sat);
    const VF l2 = hn::MulAdd(vs, hn::Sub(l_, L), L);
    const VF m2 = hn::MulAdd(vs, hn::Sub(m_, L), L);
    const VF s2 = hn::MulAdd(vs, hn::Sub(s_, L), L);
    const VF l3 = hn::Mul(hn::Mul(l2, l2), l2);
    const VF m3 = hn::Mul(hn::Mul(m2, m2), m2);
    const VF s3 = hn::Mul(hn::Mul(s2, s2), s2);
    r = clamp01(d, mat3(d, l3, m3, s3, 4.0767416621f, -3.3077115913f, 0.2309699292f));
    g = clamp01(d, mat3(d, l3, m3, s3, -1.2684380046f, 2.6097574011f, -0.3413193965f));
    b = clamp01(d, mat3(d, l3, m3, s3, -0.0041960863f, -0.7034186147f, 1.7076147010f));
    if (!linear) {
        r = linear_to_srgb(d, r, t);
        g = linear_to_srgb(d, g, t);
        b = linear_to_srgb(d, b, t);
    }
}

HWY_INLINE VF s_curve(DF d, VF c, VF contrast) {
    const VF k = clamp01(d, c);
    const VF s = hn::Mul(hn::Mul(k, k), hn::NegMulAdd(hn::Set(d, 2.0f), k, hn::Set(d, 3.0f)));
    return hn::MulAdd(contrast, hn::Sub(s, k), c);
}

}  // namespace

void EnhanceRow(const enhance_detail::RowArgs& a, const EnhanceParams& p, bool linear,
                float* scratch, float* const dst[3]) {
    const DF d;
    const size_t n = hn::Lanes(d);
    const size_t w = static_cast<size_t>(a.width);
    const size_t pitch = scratch_pitch(a.width);
    const bool sharpen = p.sharpen > 0.0f;
    if (sharpen) {
        for (int ch = 0; ch < 3; ++ch) {
            float* vsum = scratch + (3 * ch + 0) * pitch + kPad;
            float* vmin = scratch + (3 * ch + 1) * pitch + kPad;
            float* vmax = scratch + (3 * ch + 2) * pitch + kPad;
            for (size_t x = 0; x < w; x += n) {
                const VF u = hn::LoadU(d, a.up[ch] + x);
                const VF m = hn::LoadU(d, a.mid[ch] + x);
                const VF o = hn::LoadU(d, a.down[ch] + x);
                hn::StoreU(hn::Add(hn::Add(u, m), o), d, vsum + x);
                hn::StoreU(hn::Min(hn::Min(u, m), o), d, vmin + x);
                hn::StoreU(hn::Max(hn::Max(u, m), o), d, vmax + x);
            }
            for (float* row : {vsum, vmin, vmax}) {
                row[-1] = row[0];
                row[w] = row[w - 1];
            }
        }
    }
    const bool darken = a.cls && p.line_darken > 0.0f;
    float* factor = scratch + 9 * pitch + kPad;
    if (darken) {
        const float f = 1.0f - enhance_line_darken_scale * p.line_darken;
        for (size_t x = 0; x < w; ++x) {
            factor[x] = a.cls[a.cls_x[x]] == static_cast<uint8_t>(PixelClass::line_art) ? f : 1.0f;
        }
        for (size_t x = w; x < w + n; ++x) factor[x] = 1.0f;
    }
    const VF amount = hn::Set(d, p.sharpen);
    const VF ninth = hn::Set(d, 1.0f / 9.0f);
    const VF noise = hn::Set(d, 1.0f / 255.0f);
    const VF gain = hn::Set(d, 255.0f / 4.0f);
    const VF contrast = hn::Set(d, p.contrast);
    const bool do_contrast = p.contrast > 0.0f;
    const bool do_sat = p.saturation != 1.0f;
    const ColorTables tables;
    for (size_t x = 0; x < w; x += n) {
        VF c[3];
        for (int ch = 0; ch < 3; ++ch) {
            c[ch] = hn::LoadU(d, a.mid[ch] + x);
            if (sharpen) {
                const float* vsum = scratch + (3 * ch + 0) * pitch + kPad + x;
                const float* vmin = scratch + (3 * ch + 1) * pitch + kPad + x;
                const float* vmax = scratch + (3 * ch + 2) * pitch + kPad + x;
                const VF sum = hn::Add(hn::Add(hn::LoadU(d, vsum - 1), hn::LoadU(d, vsum)),
                                       hn::LoadU(d, vsum + 1));
                const VF lo = hn::Min(hn::Min(hn::LoadU(d, vmin - 1), hn::LoadU(d, vmin)),
                                      hn::LoadU(d, vmin + 1));
                const VF hi = hn::Max(hn::Max(hn::LoadU(d, vmax - 1), hn::LoadU(d, vmax)),
                                      hn::LoadU(d, vmax + 1));
                const VF ad = clamp01(d, hn::Mul(hn::Sub(hn::Sub(hi, lo), noise), gain));
                const VF detail = hn::Sub(c[ch], hn::Mul(sum, ninth));
                const VF v = hn::Add(c[ch], hn::Mul(hn::Mul(amount, ad), detail));
                c[ch] = hn::Min(hn::Max(v, lo), hi);
            }
        }
        if (darken) {
            const VF f = hn::LoadU(d, factor + x);
            for (VF& v : c) v = hn::Mul(v, f);
        }
        if (do_contrast) {
            for (VF& v : c) v = s_curve(d, v, contrast);
        }
        if (do_sat) saturate(d, c[0], c[1], c[2], p.saturation, linear, tables);
        for (int ch = 0; ch < 3; ++ch) hn::StoreU(c[ch], d, dst[ch] + x);
    }
}

}  // namespace kizuna::stages::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace kizuna::stages {

HWY_EXPORT(EnhanceRow);

namespace enhance_detail {

size_t row_scratch_floats(int width) noexcept {
    return 10 * ((static_cast<size_t>(width) + 15) / 16 * 16 + 32);
}

void enhance_row(const RowArgs& args, const EnhanceParams& p, bool linear_input, float* scratch,
                 float* const dst[3]) {
    HWY_DYNAMIC_DISPATCH(EnhanceRow)(args, p, linear_input, scratch, dst);
}

}  // namespace enhance_detail

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
    if (use_cls && (cls_x_width_ != w || cls_x_fw_ != fw)) {
        cls_x_.reset(new (std::nothrow) int[w]);
        if (!cls_x_)
            return make_error(Errc::out_of_memory, "enhance: cannot allocate class map index");
        for (int x = 0; x < w; ++x) cls_x_[x] = static_cast<int>(int64_t{x} * fw / w);
        cls_x_width_ = w;
        cls_x_fw_ = fw;
    }
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
                    args.cls_x = cls_x_.get();
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
