// SIMD colour math for the fast stage 4 and output packing (Highway, per-target). The sRGB
// encode and the cube root come from piecewise cubic tables (simd_pow.hpp; relative error about
// 2e-7), the sRGB decode from one polynomial (simd_pow.hpp; absolute error below 1.1e-6, which
// the encode turns into at most ~1.4e-5 after an identity round trip). Include after
// hwy/highway.h in a foreach_target TU.

// Per-target include guard (the Highway convention for -inl headers).
#if defined(KIZUNA_STAGES_ENHANCE_MATH_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef KIZUNA_STAGES_ENHANCE_MATH_INL_H_
#undef KIZUNA_STAGES_ENHANCE_MATH_INL_H_
#else
#define KIZUNA_STAGES_ENHANCE_MATH_INL_H_
#endif

#include "hwy/cache_control.h"
#include "hwy/highway.h"
#include "kizuna/image.hpp"
#include "stages/cpu/hwy_float-inl.h"
#include "stages/cpu/simd_pow.hpp"

HWY_BEFORE_NAMESPACE();
namespace kizuna::stages::HWY_NAMESPACE {

template <class D, class V>
HWY_INLINE V clamp01(D d, V v) {
    return hn::Min(hn::Max(v, hn::Zero(d)), hn::Set(d, 1.0f));
}

// table[idx] per lane for a 16-entry, 64-byte aligned table (idx in [0, 16)). Built once per
// index vector and applied to several tables: one permute on AVX-512, two and a blend on AVX2,
// a gather on narrower targets.
template <class D>
class Lookup16 {
public:
    using DI = hwy::HWY_NAMESPACE::RebindToSigned<D>;
    using VI = hwy::HWY_NAMESPACE::Vec<DI>;
    using V = hwy::HWY_NAMESPACE::Vec<D>;
    static constexpr size_t kLanes = hwy::HWY_NAMESPACE::MaxLanes(D());

    HWY_INLINE Lookup16(D d, VI idx) : d_(d), idx_(idx) {
        if constexpr (kLanes >= 16) {
            perm_ = hn::IndicesFromVec(d, idx);
        } else if constexpr (kLanes == 8) {
            const DI di;
            perm_ = hn::IndicesFromVec(d, hn::And(idx, hn::Set(di, 7)));
            high_ = hn::RebindMask(d, hn::Gt(idx, hn::Set(di, 7)));
        }
    }

    HWY_INLINE V operator()(const float* table) const {
        if constexpr (kLanes >= 16) {
            return hn::TableLookupLanes(hn::Load(d_, table), perm_);
        } else if constexpr (kLanes == 8) {
            return hn::IfThenElse(high_, hn::TableLookupLanes(hn::Load(d_, table + 8), perm_),
                                  hn::TableLookupLanes(hn::Load(d_, table), perm_));
        } else {
            return hn::GatherIndex(d_, table, idx_);
        }
    }

private:
    D d_;
    VI idx_;
    decltype(hwy::HWY_NAMESPACE::IndicesFromVec(D(), hwy::HWY_NAMESPACE::Zero(DI()))) perm_{};
    hwy::HWY_NAMESPACE::Mask<D> high_{};
};

// x^p * multiplier + add for x in [2^-15, 2) from a PowTable (simd_pow.hpp): relative error about
// 2e-7. Any other x (NaN included) gives some finite or NaN value without reading out of bounds.
template <class D, class V>
HWY_INLINE V pow_table(D d, V x, const PowTable& t, float add = 0.0f) {
    const hn::RebindToSigned<D> di;
    const auto bits = hn::BitCast(di, x);
    const auto e_idx =
        hn::And(hn::Sub(hn::ShiftRight<23>(bits), hn::Set(di, 112)), hn::Set(di, 15));
    const auto seg = hn::And(hn::ShiftRight<19>(bits), hn::Set(di, 15));
    const V tt = hn::Sub(
        hn::BitCast(d, hn::Or(hn::And(bits, hn::Set(di, 0x7FFFF)), hn::Set(di, 0x3F800000))),
        hn::Set(d, 1.0f));
    const Lookup16<D> s(d, seg);
    V p = hn::MulAdd(s(t.c3), tt, s(t.c2));
    p = hn::MulAdd(p, tt, s(t.c1));
    p = hn::MulAdd(p, tt, s(t.c0));
    return hn::MulAdd(p, Lookup16<D>(d, e_idx)(t.scale), hn::Set(d, add));
}

// The colour tables, fetched once per row.
struct ColorTables {
    const SrgbDecodePoly& decode = srgb_decode_poly();
    const PowTable& encode = pow_table_inv_2_4();
    const PowTable& cbrt = pow_table_cbrt();
};

// sRGB EOTF for c in [0, 1]: the linear segment, else the decode polynomial (simd_pow.hpp),
// evaluated in the Estrin form (a shorter dependency chain than Horner's).
template <class D, class V>
HWY_INLINE V srgb_to_linear(D d, V c, const ColorTables& t) {
    const float* k = t.decode.c;
    const V lin = hn::Mul(c, hn::Set(d, 1.0f / 12.92f));
    const V x = hn::MulAdd(c, hn::Set(d, t.decode.scale), hn::Set(d, t.decode.offset));
    const V x2 = hn::Mul(x, x);
    const V x4 = hn::Mul(x2, x2);
    const V p01 = hn::MulAdd(hn::Set(d, k[1]), x, hn::Set(d, k[0]));
    const V p23 = hn::MulAdd(hn::Set(d, k[3]), x, hn::Set(d, k[2]));
    const V p45 = hn::MulAdd(hn::Set(d, k[5]), x, hn::Set(d, k[4]));
    const V p67 = hn::MulAdd(hn::Set(d, k[7]), x, hn::Set(d, k[6]));
    const V p03 = hn::MulAdd(p23, x2, p01);
    const V p47 = hn::MulAdd(p67, x2, p45);
    const V p48 = hn::MulAdd(hn::Set(d, k[8]), x4, p47);
    const V gam = hn::MulAdd(p48, x4, p03);
    return hn::IfThenElse(hn::Le(c, hn::Set(d, 0.04045f)), lin, gam);
}

// sRGB OETF for l in [0, 1].
template <class D, class V>
HWY_INLINE V linear_to_srgb(D d, V l, const ColorTables& t) {
    const V lin = hn::Mul(l, hn::Set(d, 12.92f));
    const V gam = pow_table(d, hn::Max(l, hn::Set(d, 0.003f)), t.encode, -0.055f);
    return hn::IfThenElse(hn::Le(l, hn::Set(d, 0.0031308f)), lin, gam);
}

// Cube root of x in [0, 2) (0 for x <= 0). Below 2^-15 the argument is scaled by 2^15 (the root
// by 2^-5); below 2^-30 it is taken as 2^-30 (an error of at most 2^-10 in the root, which the
// OKLab round trip turns into at most ~1e-9 in linear RGB).
template <class D, class V>
HWY_INLINE V cbrt_nonneg(D d, V x, const ColorTables& t) {
    const auto small = hn::Lt(x, hn::Set(d, 0x1p-15f));
    V xs = hn::IfThenElse(small, hn::Mul(x, hn::Set(d, 0x1p15f)), x);
    xs = hn::Max(xs, hn::Set(d, 0x1p-15f));
    V y = pow_table(d, xs, t.cbrt);
    y = hn::IfThenElse(small, hn::Mul(y, hn::Set(d, 0x1p-5f)), y);
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), y, hn::Zero(d));
}

// NaN -> 0, then clamp to [0, 1].
template <class D, class V>
HWY_INLINE V pack_sanitize(D d, V v) {
    return clamp01(d, hn::IfThenElseZero(hn::Eq(v, v), v));
}

// float -> fp16 rounded to nearest even, on every target, bit for bit as core/half.hpp. The
// native conversion (F16C: AVX2 and up) does so. Highway 1.0's emulated DemoteTo (SSE4 and below)
// truncates and has no infinity or NaN, so there the value is first rounded to fp16 precision in
// float arithmetic, which makes the truncation exact (m = 2^(e + 13) for |v| in [2^e, 2^(e + 1)),
// at least 2^-1: (|v| + m) - m rounds |v| to a multiple of 2^(e - 10), 11 significant bits, or of
// 2^-24 in the fp16 subnormal range), and overflow and NaN are patched in afterwards. That path
// is kept out of line: inlined into every specialised pack loop it multiplies the code (and the
// sanitizer build's compile time) for targets where speed matters least.
#if !(HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX2) || defined(HWY_DISABLE_F16C)
template <class D, class V>
HWY_NOINLINE hwy::HWY_NAMESPACE::Vec<hwy::HWY_NAMESPACE::Rebind<hwy::float16_t, D>>
to_half_emulated(D d, V v) {
    const hn::Rebind<hwy::float16_t, D> dh;
    const hn::RebindToSigned<D> di;
    const hn::Rebind<uint16_t, D> du16;
    const auto bits = hn::BitCast(di, v);
    const auto abs = hn::And(bits, hn::Set(di, 0x7fffffff));
    const auto expo = hn::And(bits, hn::Set(di, 0x7f800000));
    const auto m =
        hn::BitCast(d, hn::Max(hn::Add(expo, hn::Set(di, 13 << 23)), hn::Set(di, 0x3f000000)));
    const V rounded = hn::CopySignToAbs(hn::Sub(hn::Add(hn::Abs(v), m), m), v);
    // The emulation drops the sign of results that underflow to zero (-0 included).
    const auto sign = hn::And(hn::ShiftRight<16>(bits), hn::Set(di, 0x8000));
    auto h = hn::Or(hn::PromoteTo(di, hn::BitCast(du16, hn::DemoteTo(dh, rounded))), sign);
    // |v| >= 65520 (0x477ff000) rounds to infinity; a NaN keeps its top 10 payload bits, or
    // gets the quiet bit when those are zero.
    const auto inf = hn::Or(sign, hn::Set(di, 0x7c00));
    h = hn::IfThenElse(hn::Gt(abs, hn::Set(di, 0x477fefff)), inf, h);
    const auto payload = hn::ShiftRight<13>(hn::And(abs, hn::Set(di, 0x7fffff)));
    const auto nan =
        hn::Or(inf, hn::IfThenElse(hn::Eq(payload, hn::Zero(di)), hn::Set(di, 0x200), payload));
    h = hn::IfThenElse(hn::Gt(abs, hn::Set(di, 0x7f800000)), nan, h);
    return hn::BitCast(dh, hn::DemoteTo(du16, h));
}
#endif

template <class D, class V>
HWY_INLINE auto to_half(D d, V v) {
#if !(HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX2) || defined(HWY_DISABLE_F16C)
    return to_half_emulated(d, v);
#else
    (void)d;
    return hwy::HWY_NAMESPACE::DemoteTo(hwy::HWY_NAMESPACE::Rebind<hwy::float16_t, D>(), v);
#endif
}

// Output packing (pack.hpp): stores Lanes(d) pixels of format at dst (no alignment needed).
// For rgba8 with stream, dst must be aligned to a whole vector and the store bypasses the
// caches (hwy::FlushStream before another thread reads it).
template <class D, class V>
HWY_INLINE void pack_store_pixels(D d, V r, V g, V b, V a, PixelFormat format, uint8_t* dst,
                                  bool stream = false) {
    switch (format) {
        case PixelFormat::rgba8: {
            const hn::RebindToSigned<D> di;
            const hn::RebindToUnsigned<D> du;
            const V k = hn::Set(d, 255.0f);
            const auto ri = hn::NearestInt(hn::Mul(r, k));
            const auto gi = hn::ShiftLeft<8>(hn::NearestInt(hn::Mul(g, k)));
            const auto bi = hn::ShiftLeft<16>(hn::NearestInt(hn::Mul(b, k)));
            const auto ai = hn::ShiftLeft<24>(hn::NearestInt(hn::Mul(a, k)));
            const auto px = hn::Or(hn::Or(ri, gi), hn::Or(bi, ai));
            (void)di;
            if (stream) {
                hn::Stream(hn::BitCast(du, px), du, reinterpret_cast<uint32_t*>(dst));
            } else {
                hn::StoreU(hn::BitCast(du, px), du, reinterpret_cast<uint32_t*>(dst));
            }
            break;
        }
        case PixelFormat::rgba16f: {
            const hn::Rebind<uint16_t, D> du16;
            hn::StoreInterleaved4(
                hn::BitCast(du16, to_half(d, r)), hn::BitCast(du16, to_half(d, g)),
                hn::BitCast(du16, to_half(d, b)), hn::BitCast(du16, to_half(d, a)), du16,
                reinterpret_cast<uint16_t*>(dst));
            break;
        }
        case PixelFormat::rgba32f:
            hn::StoreInterleaved4(r, g, b, a, d, reinterpret_cast<float*>(dst));
            break;
    }
}

}  // namespace kizuna::stages::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
