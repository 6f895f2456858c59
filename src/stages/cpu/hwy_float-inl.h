// The names every Highway row kernel of the fast CPU stages uses, per target: `hn` for Highway's
// namespace, DF / VF for a full vector of float. Include after hwy/highway.h in a foreach_target
// translation unit.

// Per-target include guard (the Highway convention for -inl headers).
#if defined(KIZUNA_STAGES_HWY_FLOAT_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef KIZUNA_STAGES_HWY_FLOAT_INL_H_
#undef KIZUNA_STAGES_HWY_FLOAT_INL_H_
#else
#define KIZUNA_STAGES_HWY_FLOAT_INL_H_
#endif

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace kizuna::stages::HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;
using DF = hn::ScalableTag<float>;
using VF = hn::Vec<DF>;

}  // namespace kizuna::stages::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
