// Stage 3 behaviour: constant pictures stay constant, hard edges and line art show no ringing,
// edges are sharper than plain interpolation, and every factor gives the right size.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "stages/planar.hpp"
#include "stages/reconstruct.hpp"
#include "stages/ref/reconstruct.hpp"
#include "stages/ref/upscale.hpp"
#include "stages/upscale.hpp"

namespace kizuna::stages {
namespace {

PlanarFrame make_frame(int w, int h, const std::function<float(int, int)>& f, bool alpha = false) {
    PlanarFrame fr;
    EXPECT_TRUE(fr.ensure(w, h, alpha).ok());
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            fr.r.row(y)[x] = f(x, y);
            fr.g.row(y)[x] = 0.5f * f(x, y);
            fr.b.row(y)[x] = 1.0f - f(x, y);
            if (alpha) fr.a.row(y)[x] = x < w / 2 ? 0.0f : 1.0f;
        }
    return fr;
}

PlanarFrame upscale(const PlanarFrame& in, int ow, int oh, float anti_ringing = 1.0f,
                    float sharp = 1.0f) {
    FeatureMap f;
    EXPECT_TRUE(reconstruct_ref(in, ReconstructParams{}, f).ok());
    UpscaleParams p;
    p.out_width = ow;
    p.out_height = oh;
    p.anti_ringing = anti_ringing;
    p.edge_sharpness = sharp;
    PlanarFrame out;
    const auto r = upscale_ref(in, f, p, out);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return out;
}

TEST(UpscaleBehaviour, ConstantStaysConstant) {
    const PlanarFrame in = make_frame(13, 9, [](int, int) { return 0.3f; });
    for (auto [ow, oh] :
         {std::pair{26, 18}, std::pair{39, 27}, std::pair{52, 36}, std::pair{20, 11}}) {
        const PlanarFrame out = upscale(in, ow, oh);
        ASSERT_EQ(out.width(), ow);
        ASSERT_EQ(out.height(), oh);
        for (int y = 0; y < oh; ++y)
            for (int x = 0; x < ow; ++x) {
                ASSERT_NEAR(out.r.row(y)[x], 0.3f, 1e-6)
                    << ow << "x" << oh << " at " << x << "," << y;
                ASSERT_NEAR(out.b.row(y)[x], 0.7f, 1e-6);
            }
    }
}

// Largest excursion of plane p beyond [lo, hi].
float overshoot(const Plane& p, float lo, float hi) {
    float worst = 0.0f;
    for (int y = 0; y < p.height(); ++y)
        for (int x = 0; x < p.width(); ++x)
            worst = std::max({worst, p.row(y)[x] - hi, lo - p.row(y)[x]});
    return worst;
}

TEST(UpscaleBehaviour, HardEdgeAndLineArtDoNotRing) {
    // A diagonal hard edge plus a 1-pixel dark stroke: the classic ringing cases.
    const PlanarFrame in = make_frame(24, 16, [](int x, int y) {
        if (x == 17) return 0.05f;
        return x + y / 2 < 10 ? 0.2f : 0.9f;
    });
    for (auto [ow, oh] :
         {std::pair{48, 32}, std::pair{72, 48}, std::pair{96, 64}, std::pair{61, 37}}) {
        const PlanarFrame out = upscale(in, ow, oh);
        EXPECT_LE(overshoot(out.r, 0.05f, 0.9f), 1e-6f) << ow << "x" << oh;
        EXPECT_LE(overshoot(out.b, 0.1f, 0.95f), 1e-6f) << ow << "x" << oh;
    }
    // Locally too: next to the edge, values stay within the two sides.
    const PlanarFrame x2 = upscale(in, 48, 32);
    for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 20; ++x) {
            ASSERT_GE(x2.r.row(y)[x], 0.2f - 1e-6f) << x << "," << y;
            ASSERT_LE(x2.r.row(y)[x], 0.9f + 1e-6f) << x << "," << y;
        }
}

TEST(UpscaleBehaviour, WithoutAntiRingingLanczosOvershoots) {
    // Guards the test above: the same picture rings when the clamp is off.
    const PlanarFrame in = make_frame(24, 16, [](int x, int) { return x < 12 ? 0.2f : 0.9f; });
    const PlanarFrame out = upscale(in, 48, 32, 0.0f);
    EXPECT_GT(overshoot(out.r, 0.2f, 0.9f), 0.005f);
}

TEST(UpscaleBehaviour, DiagonalEdgeFollowsTheEdge) {
    // A 45-degree edge, x2: along the edge direction the output must be smoother (smaller
    // jaggies) with edge steering on than off.
    const PlanarFrame in = make_frame(20, 20, [](int x, int y) {
        const float d = static_cast<float>(x - y) + 0.3f;
        return std::clamp(0.5f + 0.5f * d, 0.0f, 1.0f) * 0.8f + 0.1f;
    });
    const PlanarFrame on = upscale(in, 40, 40, 1.0f, 1.0f);
    const PlanarFrame off = upscale(in, 40, 40, 1.0f, 0.0f);
    // Along the edge, neighbouring output pixels on the same diagonal should agree.
    auto jaggies = [](const PlanarFrame& f) {
        double s = 0;
        for (int k = 4; k < 34; ++k) s += std::fabs(f.r.row(k + 1)[k + 1] - f.r.row(k)[k]);
        return s;
    };
    EXPECT_LE(jaggies(on), jaggies(off) + 1e-6);
}

TEST(UpscaleBehaviour, FactorsGiveTheRightSizeAndSaneValues) {
    const PlanarFrame in =
        make_frame(10, 7, [](int x, int y) { return ((x * 7 + y * 3) % 10) / 10.0f; });
    EXPECT_EQ(upscale_steps(10, 7, 20, 14), 1);
    EXPECT_EQ(upscale_steps(10, 7, 40, 28), 2);
    EXPECT_EQ(upscale_steps(10, 7, 30, 21), 1);
    EXPECT_EQ(upscale_steps(10, 7, 15, 10), 0);
    for (auto [ow, oh] : {std::pair{20, 14}, std::pair{30, 21}, std::pair{40, 28}, std::pair{23, 9},
                          std::pair{10, 7}, std::pair{5, 4}}) {
        const PlanarFrame out = upscale(in, ow, oh);
        ASSERT_EQ(out.width(), ow);
        ASSERT_EQ(out.height(), oh);
        double mean = 0;
        for (int y = 0; y < oh; ++y)
            for (int x = 0; x < ow; ++x) {
                const float v = out.r.row(y)[x];
                ASSERT_TRUE(v >= 0.0f && v <= 1.0f) << v;
                mean += v;
            }
        mean /= ow * oh;
        EXPECT_NEAR(mean, 0.45, 0.1) << ow << "x" << oh << ": the picture's mean is kept";
    }
}

TEST(UpscaleBehaviour, AlphaIsResampledAndClamped) {
    const PlanarFrame in = make_frame(
        8, 6, [](int, int) { return 0.5f; }, true);
    const PlanarFrame out = upscale(in, 24, 18);
    ASSERT_TRUE(out.has_alpha());
    for (int y = 0; y < 18; ++y) {
        EXPECT_EQ(out.a.row(y)[0], 0.0f);
        EXPECT_EQ(out.a.row(y)[23], 1.0f);
        for (int x = 0; x < 24; ++x)
            ASSERT_TRUE(out.a.row(y)[x] >= 0.0f && out.a.row(y)[x] <= 1.0f);
    }
}

TEST(UpscaleBehaviour, MismatchedFeatureMapIsAnError) {
    const PlanarFrame in = make_frame(8, 6, [](int, int) { return 0.5f; });
    FeatureMap f;
    ASSERT_TRUE(reconstruct_disabled(7, 6, f).ok());
    UpscaleParams p;
    p.out_width = 16;
    p.out_height = 12;
    PlanarFrame out;
    EXPECT_FALSE(upscale_ref(in, f, p, out).ok());
    p.out_width = 0;
    EXPECT_FALSE(upscale_ref(in, f, p, out).ok());
}

}  // namespace
}  // namespace kizuna::stages
