// sqrt over a row with Highway's dynamic dispatch (the best of SSE4 / AVX2 / AVX-512 for the
// running CPU). Exists because the compiler will not vectorise std::sqrt while errno is live.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "stages/cpu/simd_sqrt.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <cmath>
#include <string>

#include "stages/cpu/simd.hpp"

HWY_BEFORE_NAMESPACE();
namespace kizuna {
namespace stages {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void SqrtRow(float* HWY_RESTRICT p, int n) {
    const hn::ScalableTag<float> d;
    const int lanes = static_cast<int>(hn::Lanes(d));
    int x = 0;
    for (; x + lanes <= n; x += lanes) hn::StoreU(hn::Sqrt(hn::LoadU(d, p + x)), d, p + x);
    for (; x < n; ++x) p[x] = std::sqrt(p[x]);
}

const char* TargetProbe() {
    return hwy::TargetName(HWY_TARGET);
}

}  // namespace HWY_NAMESPACE
}  // namespace stages
}  // namespace kizuna
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace kizuna {
namespace stages {

HWY_EXPORT(SqrtRow);
HWY_EXPORT(TargetProbe);

void sqrt_row(float* p, int n) {
    HWY_DYNAMIC_DISPATCH(SqrtRow)(p, n);
}

std::string dispatched_simd_target() {
    return HWY_DYNAMIC_DISPATCH(TargetProbe)();
}

}  // namespace stages
}  // namespace kizuna
#endif
