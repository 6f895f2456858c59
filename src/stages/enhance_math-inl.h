// SIMD colour math for the fast stage 4 and output packing (Highway, per-target): the sRGB
// transfer and the cube root, built on Highway's Exp/Log (a few ULP, so within 1e-5 of the
// scalar functions in enhance_color.hpp). Include after hwy/highway.h in a foreach_target TU.

// Per-target include guard (the Highway convention for -inl headers).
#if defined(KIZUNA_STAGES_ENHANCE_MATH_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef KIZUNA_STAGES_ENHANCE_MATH_INL_H_
#undef KIZUNA_STAGES_ENHANCE_MATH_INL_H_
#else
#define KIZUNA_STAGES_ENHANCE_MATH_INL_H_
#endif

#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace kizuna::stages::HWY_NAMESPACE {

template <class D, class V>
HWY_INLINE V clamp01(D d, V v) {
    namespace hn = hwy::HWY_NAMESPACE;
    return hn::Min(hn::Max(v, hn::Zero(d)), hn::Set(d, 1.0f));
}

// x^e for x > 0.
template <class D, class V>
HWY_INLINE V pow_pos(D d, V x, float e) {
    namespace hn = hwy::HWY_NAMESPACE;
    return hn::Exp(d, hn::Mul(hn::Set(d, e), hn::Log(d, x)));
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

// Cube root of x >= 0 (0 for x <= 0).
template <class D, class V>
HWY_INLINE V cbrt_nonneg(D d, V x) {
    namespace hn = hwy::HWY_NAMESPACE;
    const V r = pow_pos(d, hn::Max(x, hn::Set(d, 1e-30f)), 1.0f / 3.0f);
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), r, hn::Zero(d));
}

}  // namespace kizuna::stages::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
