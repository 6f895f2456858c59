// Stage 2 behaviour: the class map finds thin dark strokes, edges and texture, and leaves flat
// areas and soft gradients alone.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "stages/planar.hpp"
#include "stages/reconstruct.hpp"
#include "stages/ref/reconstruct.hpp"

namespace kizuna::stages {
namespace {

PlanarFrame grey_frame(int w, int h, const std::function<float(int, int)>& f) {
    PlanarFrame fr;
    EXPECT_TRUE(fr.ensure(w, h, false).ok());
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) fr.r.row(y)[x] = fr.g.row(y)[x] = fr.b.row(y)[x] = f(x, y);
    return fr;
}

PixelClass cls(const FeatureMap& f, int x, int y) {
    return static_cast<PixelClass>(f.cls_row(y)[x]);
}

TEST(ReconstructBehaviour, ThinDarkLineIsLineArt) {
    // A 1-pixel dark vertical line at x = 10 and a 2-pixel diagonal stroke, on light grey.
    const PlanarFrame fr = grey_frame(32, 24, [](int x, int y) {
        if (x == 10) return 0.1f;
        if (x - y == 3 || x - y == 4) return 0.15f;
        return 0.85f;
    });
    FeatureMap f;
    ASSERT_TRUE(reconstruct_ref(fr, ReconstructParams{}, f).ok());
    for (int y = 2; y < 22; ++y) {
        EXPECT_EQ(cls(f, 10, y), PixelClass::line_art) << "vertical line at y " << y;
        EXPECT_NE(cls(f, 0, y), PixelClass::line_art) << "flat border at y " << y;
    }
    EXPECT_EQ(cls(f, 17, 13), PixelClass::line_art) << "diagonal stroke";
    EXPECT_EQ(cls(f, 9, 15), PixelClass::edge) << "beside the line: steep gradient, not dark";
    EXPECT_EQ(cls(f, 28, 2), PixelClass::flat) << "far from everything";
}

TEST(ReconstructBehaviour, FlatAreaAndSoftGradientAreNotLineArtOrEdge) {
    const PlanarFrame flat = grey_frame(20, 12, [](int, int) { return 0.5f; });
    const PlanarFrame ramp =
        grey_frame(20, 12, [](int x, int y) { return 0.1f + 0.02f * x + 0.01f * y; });
    // A shallow valley: darker in the middle, but only 0.001 per pixel of curvature.
    const PlanarFrame valley = grey_frame(
        20, 12, [](int x, int) { return 0.5f + 0.001f * static_cast<float>((x - 10) * (x - 10)); });
    for (const PlanarFrame* fr : {&flat, &ramp, &valley}) {
        FeatureMap f;
        ASSERT_TRUE(reconstruct_ref(*fr, ReconstructParams{}, f).ok());
        for (int y = 0; y < 12; ++y)
            for (int x = 0; x < 20; ++x) {
                ASSERT_EQ(cls(f, x, y), PixelClass::flat) << x << "," << y;
            }
    }
}

TEST(ReconstructBehaviour, GradientOfARampIsItsSlope) {
    const PlanarFrame ramp = grey_frame(16, 8, [](int x, int y) { return 0.02f * x + 0.03f * y; });
    FeatureMap f;
    ASSERT_TRUE(reconstruct_ref(ramp, ReconstructParams{}, f).ok());
    EXPECT_NEAR(f.gx.row(4)[7], 0.02f, 1e-6);
    EXPECT_NEAR(f.gy.row(4)[7], 0.03f, 1e-6);
    EXPECT_NEAR(f.magnitude.row(4)[7], std::sqrt(0.02f * 0.02f + 0.03f * 0.03f), 1e-6);
}

TEST(ReconstructBehaviour, HardStepIsEdgeAndNotLineArt) {
    const PlanarFrame step = grey_frame(16, 8, [](int x, int) { return x < 8 ? 0.1f : 0.9f; });
    FeatureMap f;
    ASSERT_TRUE(reconstruct_ref(step, ReconstructParams{}, f).ok());
    for (int y = 0; y < 8; ++y) {
        EXPECT_EQ(cls(f, 7, y), PixelClass::edge);
        EXPECT_EQ(cls(f, 8, y), PixelClass::edge);
        for (int x = 0; x < 16; ++x) EXPECT_NE(cls(f, x, y), PixelClass::line_art);
    }
    EXPECT_GT(f.gx.row(3)[7], 0.0f) << "gradient points towards the light side";
}

TEST(ReconstructBehaviour, WeakAlternatingPatternIsTexture) {
    // A fine checkerboard of +-0.025 around mid grey: gradients are weak and cancel out.
    const PlanarFrame tex = grey_frame(
        20, 20, [](int x, int y) { return 0.5f + (((x / 2 + y / 2) & 1) ? 0.025f : -0.025f); });
    ReconstructParams p;
    p.line_threshold = 0.1f;  // too shallow to be strokes
    FeatureMap f;
    ASSERT_TRUE(reconstruct_ref(tex, p, f).ok());
    int texture = 0;
    for (int y = 2; y < 18; ++y)
        for (int x = 2; x < 18; ++x) texture += cls(f, x, y) == PixelClass::texture;
    EXPECT_GT(texture, 16 * 16 / 2) << "most of a fine weak pattern is texture";
}

TEST(ReconstructBehaviour, LineThresholdControlsDetection) {
    // A line only 0.05 darker than its surroundings.
    const PlanarFrame fr = grey_frame(12, 6, [](int x, int) { return x == 6 ? 0.45f : 0.5f; });
    ReconstructParams lo, hi;
    lo.line_threshold = 0.04f;
    hi.line_threshold = 0.06f;
    FeatureMap a, b;
    ASSERT_TRUE(reconstruct_ref(fr, lo, a).ok());
    ASSERT_TRUE(reconstruct_ref(fr, hi, b).ok());
    EXPECT_EQ(cls(a, 6, 3), PixelClass::line_art);
    EXPECT_NE(cls(b, 6, 3), PixelClass::line_art);
}

TEST(ReconstructBehaviour, DisabledStageClassifiesNothing) {
    FeatureMap f;
    ASSERT_TRUE(reconstruct_disabled(5, 3, f).ok());
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 5; ++x) {
            EXPECT_EQ(cls(f, x, y), PixelClass::flat);
            EXPECT_EQ(f.magnitude.row(y)[x], 0.0f);
        }
}

}  // namespace
}  // namespace kizuna::stages
