// The separable resampler: sizes, constants, and the anti-ringing clamp.
#include <gtest/gtest.h>

#include <algorithm>

#include "stages/planar.hpp"
#include "stages/ref/resample.hpp"
#include "stages/resample.hpp"

namespace kizuna::stages {
namespace {

Plane step_plane(int w, int h) {
    Plane p = std::move(Plane::create(w, h).value());
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) p.row(y)[x] = x < w / 2 ? 0.1f : 0.9f;
    return p;
}

TEST(ResampleBehaviour, ConstantStaysConstantAtAnySize) {
    Plane in = std::move(Plane::create(11, 5).value());
    for (int y = 0; y < 5; ++y) std::fill_n(in.row(y), 11, 0.6f);
    for (auto f : {ResampleFilter::bicubic, ResampleFilter::lanczos3}) {
        for (auto [w, h] :
             {std::pair{17, 8}, std::pair{5, 3}, std::pair{1, 1}, std::pair{33, 15}}) {
            Plane out = std::move(Plane::create(w, h).value());
            resample_plane_ref(in, out, f, 0.5f);
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) ASSERT_NEAR(out.row(y)[x], 0.6f, 1e-6);
        }
    }
}

TEST(ResampleBehaviour, AntiRingingRemovesOvershootOnASteps) {
    const Plane in = step_plane(16, 4);
    Plane ringing = std::move(Plane::create(37, 9).value());
    Plane clamped = std::move(Plane::create(37, 9).value());
    resample_plane_ref(in, ringing, ResampleFilter::lanczos3, 0.0f);
    resample_plane_ref(in, clamped, ResampleFilter::lanczos3, 1.0f);
    float lo = 1, hi = 0, clo = 1, chi = 0;
    for (int y = 0; y < 9; ++y)
        for (int x = 0; x < 37; ++x) {
            lo = std::min(lo, ringing.row(y)[x]);
            hi = std::max(hi, ringing.row(y)[x]);
            clo = std::min(clo, clamped.row(y)[x]);
            chi = std::max(chi, clamped.row(y)[x]);
        }
    EXPECT_LT(lo, 0.1f - 1e-3f) << "lanczos rings without the clamp";
    EXPECT_GT(hi, 0.9f + 1e-3f);
    EXPECT_GE(clo, 0.1f - 1e-6f);
    EXPECT_LE(chi, 0.9f + 1e-6f);
}

TEST(ResampleBehaviour, KernelsInterpolate) {
    for (auto f : {ResampleFilter::bicubic, ResampleFilter::lanczos3}) {
        EXPECT_FLOAT_EQ(resample_kernel(f, 0.0f), 1.0f);
        EXPECT_NEAR(resample_kernel(f, 1.0f), 0.0f, 1e-6);
        EXPECT_NEAR(resample_kernel(f, 2.0f), 0.0f, 1e-6);
        EXPECT_EQ(resample_kernel(f, resample_kernel_radius(f) + 0.01f), 0.0f);
    }
}

}  // namespace
}  // namespace kizuna::stages
