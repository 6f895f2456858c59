// Highway row kernels of the fast CPU hybrid chain (hybrid_rows.hpp).
//
// No contraction of separate multiplies and adds into FMAs: the blend must round as the
// reference's two products and sum do.
#pragma GCC optimize("fp-contract=off")

#include <cstring>

#include "stages/cpu/hybrid_rows.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "stages/cpu/hybrid_rows.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "stages/cpu/color_math-inl.h"
#include "stages/cpu/hwy_float-inl.h"

HWY_BEFORE_NAMESPACE();
namespace kizuna::stages::HWY_NAMESPACE {

namespace {

// The first `count` (< Lanes) floats of src in a vector, the rest 0, reading nothing past them.
HWY_INLINE VF load_tail(DF d, const float* src, size_t count) {
    HWY_ALIGN float buf[hn::MaxLanes(DF())] = {};
    std::memcpy(buf, src, count * sizeof(float));
    return hn::Load(d, buf);
}

}  // namespace

void ModelInputRow(const float* src, int width, bool encode_srgb, float* dst) {
    const DF d;
    const size_t n = hn::Lanes(d);
    const size_t w = static_cast<size_t>(width);
    const ColorTables tables;
    for (size_t x = 0; x < w; x += n) {
        VF v = pack_sanitize(d, hn::LoadU(d, src + x));
        if (encode_srgb) v = pack_sanitize(d, linear_to_srgb(d, v, tables));
        if (x + n <= w) {
            hn::StoreU(v, d, dst + x);
        } else {
            HWY_ALIGN float buf[hn::MaxLanes(DF())];
            hn::Store(v, d, buf);
            std::memcpy(dst + x, buf, (w - x) * sizeof(float));
        }
    }
}

void SanitizeRow(const float* src, int width, float* dst) {
    const DF d;
    const size_t n = hn::Lanes(d);
    const size_t w = static_cast<size_t>(width);
    for (size_t x = 0; x < w; x += n) {
        const VF v = x + n <= w ? hn::LoadU(d, src + x) : load_tail(d, src + x, w - x);
        hn::StoreU(pack_sanitize(d, v), d, dst + x);
    }
}

void AiFinishRow(const float* a, const float* shader, float strength, int width, bool decode_srgb,
                 float* dst) {
    const DF d;
    const size_t n = hn::Lanes(d);
    const size_t w = static_cast<size_t>(width);
    const ColorTables tables;
    const VF s = hn::Set(d, strength), t = hn::Set(d, 1.0f - strength);
    for (size_t x = 0; x < w; x += n) {
        VF v = x + n <= w ? hn::LoadU(d, a + x) : load_tail(d, a + x, w - x);
        v = pack_sanitize(d, v);
        if (decode_srgb) v = srgb_to_linear(d, v, tables);
        if (shader) v = hn::Add(hn::Mul(s, v), hn::Mul(t, hn::LoadU(d, shader + x)));
        hn::StoreU(v, d, dst + x);
    }
}

}  // namespace kizuna::stages::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace kizuna::stages {

HWY_EXPORT(ModelInputRow);
HWY_EXPORT(SanitizeRow);
HWY_EXPORT(AiFinishRow);

namespace hybrid_detail {

void model_input_row(const float* src, int width, bool encode_srgb, float* dst) {
    HWY_DYNAMIC_DISPATCH(ModelInputRow)(src, width, encode_srgb, dst);
}

void sanitize_row(const float* src, int width, float* dst) {
    HWY_DYNAMIC_DISPATCH(SanitizeRow)(src, width, dst);
}

void ai_finish_row(const float* a, const float* shader, float strength, int width, bool decode_srgb,
                   float* dst) {
    HWY_DYNAMIC_DISPATCH(AiFinishRow)(a, shader, strength, width, decode_srgb, dst);
}

}  // namespace hybrid_detail

}  // namespace kizuna::stages
#endif  // HWY_ONCE
