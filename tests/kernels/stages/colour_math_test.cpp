// The SIMD colour math of the fast stage 4 and packing (cpu/color_math-inl.h) against the exact
// functions in double, checkasm style, on a dense grid of inputs (every 2^-20 step of [0, 1] and
// the segment boundaries of the sRGB transfer). Compiled for the static Highway target of the
// test build: the approximations are the same arithmetic on every target. Limits: decode 1.2e-6
// absolute (the polynomial's stated bound), encode and cube root 1e-6 relative (tables of about
// 2e-7).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "hwy/highway.h"
#include "stages/cpu/color_math-inl.h"

namespace kizuna::stages {
namespace {

namespace hn = hwy::HWY_NAMESPACE;
using HWY_NAMESPACE::ColorTables;

std::vector<float> dense_unit_grid() {
    std::vector<float> v;
    for (int i = 0; i <= (1 << 20); ++i) v.push_back(static_cast<float>(i) / (1 << 20));
    for (float s : {0.04045f, 0.0031308f, 0.003f, 0.04f}) {
        for (int k = -4; k <= 4; ++k) v.push_back(s + k * 1e-7f);
    }
    return v;
}

// Applies fn (one vector in, one out) to every input.
template <class Fn>
std::vector<float> apply(const std::vector<float>& in, Fn fn) {
    const hn::ScalableTag<float> d;
    const size_t n = hn::Lanes(d);
    std::vector<float> padded(in), out(in.size() + n);
    padded.resize(in.size() + n, 0.5f);
    for (size_t i = 0; i < in.size(); i += n) {
        hn::StoreU(fn(d, hn::LoadU(d, padded.data() + i)), d, out.data() + i);
    }
    out.resize(in.size());
    return out;
}

TEST(ColourMath, SrgbDecodeWithinPolynomialBound) {
    const ColorTables t;
    const std::vector<float> in = dense_unit_grid();
    const auto out =
        apply(in, [&](auto d, auto v) { return HWY_NAMESPACE::srgb_to_linear(d, v, t); });
    double worst = 0.0;
    float at = 0.0f;
    for (size_t i = 0; i < in.size(); ++i) {
        const double c = in[i];
        const double exact = c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
        const double err = std::fabs(out[i] - exact);
        if (err > worst) worst = err, at = in[i];
    }
    EXPECT_LE(worst, 1.2e-6) << "sRGB decode: worst absolute error at c = " << at;
}

TEST(ColourMath, SrgbEncodeAndCubeRootWithinTableBound) {
    const ColorTables t;
    const std::vector<float> in = dense_unit_grid();
    const auto enc =
        apply(in, [&](auto d, auto v) { return HWY_NAMESPACE::linear_to_srgb(d, v, t); });
    const auto cbrt =
        apply(in, [&](auto d, auto v) { return HWY_NAMESPACE::cbrt_nonneg(d, v, t); });
    double worst_enc = 0.0, worst_cbrt = 0.0;
    for (size_t i = 0; i < in.size(); ++i) {
        const double l = in[i];
        const double e = l <= 0.0031308 ? l * 12.92 : 1.055 * std::pow(l, 1.0 / 2.4) - 0.055;
        if (e > 0.0) worst_enc = std::max(worst_enc, std::fabs(enc[i] - e) / e);
        // Below 2^-30 the root is that of 2^-30 by contract; compare above.
        if (l > 0x1p-30) {
            const double r = std::cbrt(l);
            worst_cbrt = std::max(worst_cbrt, std::fabs(cbrt[i] - r) / r);
        }
    }
    EXPECT_LE(worst_enc, 1e-6) << "sRGB encode: worst relative error";
    EXPECT_LE(worst_cbrt, 1e-6) << "cube root: worst relative error";
}

}  // namespace
}  // namespace kizuna::stages
