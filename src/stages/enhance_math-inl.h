// SIMD colour math for the fast stage 4 and output packing (Highway, per-target): the sRGB
// transfer and the cube root, built on a polynomial log2/exp2 pair (relative error < 1e-6, so
// within 1e-5 of the scalar functions in enhance_color.hpp). Include after hwy/highway.h in a
// foreach_target TU.

// Per-target include guard (the Highway convention for -inl headers).
#if defined(KIZUNA_STAGES_ENHANCE_MATH_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef KIZUNA_STAGES_ENHANCE_MATH_INL_H_
#undef KIZUNA_STAGES_ENHANCE_MATH_INL_H_
#else
#define KIZUNA_STAGES_ENHANCE_MATH_INL_H_
#endif

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace kizuna::stages::HWY_NAMESPACE {

template <class D, class V>
HWY_INLINE V clamp01(D d, V v) {
    namespace hn = hwy::HWY_NAMESPACE;
    return hn::Min(hn::Max(v, hn::Zero(d)), hn::Set(d, 1.0f));
}

// log2(x) for normal x > 0: exponent + atanh series of the mantissa moved to
// [sqrt(1/2), sqrt(2)) (|t| <= 0.172, series to t^7: error < 1e-6).
template <class D, class V>
HWY_INLINE V log2_pos(D d, V x) {
    namespace hn = hwy::HWY_NAMESPACE;
    const hn::RebindToSigned<D> di;
    const auto bits = hn::BitCast(di, x);
    V e = hn::ConvertTo(d, hn::Sub(hn::ShiftRight<23>(bits), hn::Set(di, 127)));
    V m = hn::BitCast(d, hn::Or(hn::And(bits, hn::Set(di, 0x007FFFFF)), hn::Set(di, 0x3F800000)));
    const auto big = hn::Gt(m, hn::Set(d, 1.41421356f));
    m = hn::IfThenElse(big, hn::Mul(m, hn::Set(d, 0.5f)), m);
    e = hn::IfThenElse(big, hn::Add(e, hn::Set(d, 1.0f)), e);
    // t = (m - 1) / (m + 1) with a refined approximate reciprocal.
    const V den = hn::Add(m, hn::Set(d, 1.0f));
    V r = hn::ApproximateReciprocal(den);
    r = hn::Mul(r, hn::NegMulAdd(den, r, hn::Set(d, 2.0f)));
    const V t = hn::Mul(hn::Sub(m, hn::Set(d, 1.0f)), r);
    const V t2 = hn::Mul(t, t);
    V p = hn::MulAdd(t2, hn::Set(d, 1.0f / 7.0f), hn::Set(d, 1.0f / 5.0f));
    p = hn::MulAdd(p, t2, hn::Set(d, 1.0f / 3.0f));
    p = hn::MulAdd(p, t2, hn::Set(d, 1.0f));
    return hn::MulAdd(hn::Mul(t, p), hn::Set(d, 2.8853900817779268f), e);  // 2 / ln 2
}

// 2^y for y in [-126, 126]: 2^floor(y) * sqrt(2) * e^((frac - 1/2) ln 2), Taylor to degree 6
// (relative error < 2e-7).
template <class D, class V>
HWY_INLINE V exp2_of(D d, V y) {
    namespace hn = hwy::HWY_NAMESPACE;
    const hn::RebindToSigned<D> di;
    y = hn::Min(hn::Max(y, hn::Set(d, -126.0f)), hn::Set(d, 126.0f));
    const V n = hn::Floor(y);
    const V z = hn::Mul(hn::Sub(hn::Sub(y, n), hn::Set(d, 0.5f)), hn::Set(d, 0.6931471805599453f));
    V p = hn::MulAdd(z, hn::Set(d, 1.0f / 720.0f), hn::Set(d, 1.0f / 120.0f));
    p = hn::MulAdd(p, z, hn::Set(d, 1.0f / 24.0f));
    p = hn::MulAdd(p, z, hn::Set(d, 1.0f / 6.0f));
    p = hn::MulAdd(p, z, hn::Set(d, 0.5f));
    p = hn::MulAdd(p, z, hn::Set(d, 1.0f));
    p = hn::MulAdd(p, z, hn::Set(d, 1.0f));
    p = hn::Mul(p, hn::Set(d, 1.41421356237f));
    const auto scaled = hn::Add(hn::BitCast(di, p), hn::ShiftLeft<23>(hn::ConvertTo(di, n)));
    return hn::BitCast(d, scaled);
}

// x^e for x > 0 (normal).
template <class D, class V>
HWY_INLINE V pow_pos(D d, V x, float e) {
    namespace hn = hwy::HWY_NAMESPACE;
    return exp2_of(d, hn::Mul(hn::Set(d, e), log2_pos(d, x)));
}

// sRGB EOTF for c in [0, 1].
template <class D, class V>
HWY_INLINE V srgb_to_linear(D d, V c) {
    namespace hn = hwy::HWY_NAMESPACE;
    const V lin = hn::Mul(c, hn::Set(d, 1.0f / 12.92f));
    const V base =
        hn::Div(hn::Add(hn::Max(c, hn::Set(d, 0.04f)), hn::Set(d, 0.055f)), hn::Set(d, 1.055f));
    return hn::IfThenElse(hn::Le(c, hn::Set(d, 0.04045f)), lin, pow_pos(d, base, 2.4f));
}

// sRGB OETF for l in [0, 1].
template <class D, class V>
HWY_INLINE V linear_to_srgb(D d, V l) {
    namespace hn = hwy::HWY_NAMESPACE;
    const V lin = hn::Mul(l, hn::Set(d, 12.92f));
    const V p = pow_pos(d, hn::Max(l, hn::Set(d, 0.003f)), 1.0f / 2.4f);
    const V gam = hn::Sub(hn::Mul(hn::Set(d, 1.055f), p), hn::Set(d, 0.055f));
    return hn::IfThenElse(hn::Le(l, hn::Set(d, 0.0031308f)), lin, gam);
}

// Cube root of x >= 0 (0 for x <= 0): a bit-pattern estimate (within 4%) and two Halley steps
// y *= (y^3 + 2x) / (2y^3 + x) (relative error < 1e-6).
template <class D, class V>
HWY_INLINE V cbrt_nonneg(D d, V x) {
    namespace hn = hwy::HWY_NAMESPACE;
    const hn::RebindToSigned<D> di;
    const V xc = hn::Max(x, hn::Set(d, 1e-30f));
    const V third = hn::Mul(hn::ConvertTo(d, hn::BitCast(di, xc)), hn::Set(d, 1.0f / 3.0f));
    V y = hn::BitCast(d, hn::Add(hn::ConvertTo(di, third), hn::Set(di, 0x2a514067)));
    for (int i = 0; i < 2; ++i) {
        const V y3 = hn::Mul(hn::Mul(y, y), y);
        const V num = hn::MulAdd(hn::Set(d, 2.0f), xc, y3);
        const V den = hn::MulAdd(hn::Set(d, 2.0f), y3, xc);
        V r = hn::ApproximateReciprocal(den);
        r = hn::Mul(r, hn::NegMulAdd(den, r, hn::Set(d, 2.0f)));
        y = hn::Mul(y, hn::Mul(num, r));
    }
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), y, hn::Zero(d));
}

}  // namespace kizuna::stages::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
