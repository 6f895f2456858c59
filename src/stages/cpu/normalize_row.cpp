// Highway row kernels of the fast stage 1 (normalize_row.hpp).
//
// No contraction of separate multiplies and adds into FMAs: the corrected division below must
// round exactly as written, in every target.
#pragma GCC optimize("fp-contract=off")

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "stages/cpu/normalize_row.cpp"
#include "stages/cpu/normalize_row.hpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "stages/cpu/hwy_float-inl.h"

HWY_BEFORE_NAMESPACE();
namespace kizuna::stages::HWY_NAMESPACE {

namespace {

// v / 255 correctly rounded, for v an integer in [0, 255]. With FMA: q = v * (1/255) is at most
// an ulp off; its residual v - 255 q is exact in one FMA and q + residual / 255 (one more FMA)
// rounds to the quotient (checked exhaustively for all 256 values by the normalize test).
// Without FMA: the division itself.
HWY_INLINE VF div255(DF d, VF v) {
#if HWY_TARGET <= HWY_AVX2
    const VF inv = hn::Set(d, 1.0f / 255.0f);
    const VF q = hn::Mul(v, inv);
    const VF e = hn::NegMulAdd(q, hn::Set(d, 255.0f), v);
    return hn::MulAdd(e, inv, q);
#else
    return hn::Div(v, hn::Set(d, 255.0f));
#endif
}

}  // namespace

bool DecodeRgba8Row(const uint8_t* HWY_RESTRICT src, int w, float* HWY_RESTRICT r,
                    float* HWY_RESTRICT g, float* HWY_RESTRICT b, float* HWY_RESTRICT a) {
    const DF d;
    const hn::RebindToUnsigned<DF> du;
    const hn::RebindToSigned<DF> di;
    const int n = static_cast<int>(hn::Lanes(d));
    const auto low = hn::Set(du, 0xffu);
    auto alpha_min = hn::Set(du, 0xffu);
    int x = 0;
    // Whole vectors of pixels: one 32-bit word per pixel (little endian: R is the low byte).
    for (; x + n <= w; x += n) {
        const auto px = hn::LoadU(du, reinterpret_cast<const uint32_t*>(src + 4 * x));
        const auto cr = hn::And(px, low);
        const auto cg = hn::And(hn::ShiftRight<8>(px), low);
        const auto cb = hn::And(hn::ShiftRight<16>(px), low);
        const auto ca = hn::ShiftRight<24>(px);
        alpha_min = hn::Min(alpha_min, ca);
        hn::Store(div255(d, hn::ConvertTo(d, hn::BitCast(di, cr))), d, r + x);
        hn::Store(div255(d, hn::ConvertTo(d, hn::BitCast(di, cg))), d, g + x);
        hn::Store(div255(d, hn::ConvertTo(d, hn::BitCast(di, cb))), d, b + x);
        if (a) hn::Store(div255(d, hn::ConvertTo(d, hn::BitCast(di, ca))), d, a + x);
    }
    bool translucent = hn::GetLane(hn::MinOfLanes(du, alpha_min)) < 0xffu;
    for (; x < w; ++x) {
        r[x] = static_cast<float>(src[4 * x]) / 255.0f;
        g[x] = static_cast<float>(src[4 * x + 1]) / 255.0f;
        b[x] = static_cast<float>(src[4 * x + 2]) / 255.0f;
        if (a) a[x] = static_cast<float>(src[4 * x + 3]) / 255.0f;
        translucent |= src[4 * x + 3] < 255;
    }
    return translucent;
}

}  // namespace kizuna::stages::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace kizuna::stages::normalize_detail {

HWY_EXPORT(DecodeRgba8Row);

bool decode_rgba8_row(const uint8_t* src, int w, float* r, float* g, float* b, float* a) {
    return HWY_DYNAMIC_DISPATCH(DecodeRgba8Row)(src, w, r, g, b, a);
}

}  // namespace kizuna::stages::normalize_detail
#endif  // HWY_ONCE
