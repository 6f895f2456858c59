// Stage 4 behaviour: neutral parameters are the identity, contrast is an S-curve around mid
// grey, line darkening touches line-art pixels only, saturation scales OKLab chroma at constant
// lightness, sharpening steepens edges without halos. Reference and fast version alike.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include "stages/cpu/enhance.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/ref/enhance.hpp"

namespace kizuna::stages {
namespace {

PlanarFrame make_frame(int w, int h, const std::function<void(int, int, float*)>& fill) {
    PlanarFrame f;
    EXPECT_TRUE(f.ensure(w, h, false).ok());
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            float c[3];
            fill(x, y, c);
            f.r.row(y)[x] = c[0];
            f.g.row(y)[x] = c[1];
            f.b.row(y)[x] = c[2];
        }
    }
    return f;
}

PlanarFrame random_frame(int w, int h, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    return make_frame(w, h, [&](int, int, float* c) {
        for (int i = 0; i < 3; ++i) c[i] = u(rng);
    });
}

float px(const PlanarFrame& f, int c, int x, int y) {
    const Plane* p[3] = {&f.r, &f.g, &f.b};
    return p[c]->row(y)[x];
}

// The test's own OKLab (Ottosson's published matrices) on gamma-encoded sRGB.
void to_oklab(const float* rgb, double* lab) {
    double lin[3];
    for (int i = 0; i < 3; ++i) {
        const double c = rgb[i];
        lin[i] = c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    }
    const double l =
        std::cbrt(0.4122214708 * lin[0] + 0.5363325363 * lin[1] + 0.0514459929 * lin[2]);
    const double m =
        std::cbrt(0.2119034982 * lin[0] + 0.6806995451 * lin[1] + 0.1073969566 * lin[2]);
    const double s =
        std::cbrt(0.0883024619 * lin[0] + 0.2817188376 * lin[1] + 0.6299787005 * lin[2]);
    lab[0] = 0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s;
    lab[1] = 1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s;
    lab[2] = 0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s;
}

class EnhanceBehaviour : public ::testing::TestWithParam<int> {
protected:
    PlanarFrame run(const PlanarFrame& in, const FeatureMap* f, const EnhanceParams& p) {
        PlanarFrame out;
        if (GetParam() == 0) {
            EXPECT_TRUE(enhance_ref(in, f, p, false, out).ok());
        } else {
            EXPECT_TRUE(fast_.run(in, f, p, false, out, pool_).ok());
        }
        return out;
    }
    EnhanceCpu fast_;
    ThreadPool pool_{2};
};

TEST_P(EnhanceBehaviour, NeutralParamsAreIdentity) {
    const PlanarFrame in = random_frame(37, 21, 11);
    FeatureMap f;
    ASSERT_TRUE(f.ensure(37, 21).ok());
    for (int i = 0; i < 37 * 21; ++i) f.cls[i % 37 + (i / 37) * f.cls_stride] = i % 4;
    const PlanarFrame out = run(in, &f, EnhanceParams{});
    for (int y = 0; y < 21; ++y) {
        for (int x = 0; x < 37; ++x) {
            for (int c = 0; c < 3; ++c) {
                ASSERT_NEAR(px(out, c, x, y), px(in, c, x, y), 1.0f / 255.0f) << x << "," << y;
            }
        }
    }
}

TEST_P(EnhanceBehaviour, ContrastIsAnSCurveAroundMidGrey) {
    // A horizontal grey ramp 0 .. 1.
    const PlanarFrame in =
        make_frame(65, 1, [](int x, int, float* c) { c[0] = c[1] = c[2] = x / 64.0f; });
    EnhanceParams p;
    p.contrast = 1.0f;
    const PlanarFrame out = run(in, nullptr, p);
    EXPECT_NEAR(px(out, 0, 0, 0), 0.0f, 1e-6f);
    EXPECT_NEAR(px(out, 0, 32, 0), 0.5f, 1e-6f);
    EXPECT_NEAR(px(out, 0, 64, 0), 1.0f, 1e-6f);
    for (int x = 1; x < 64; ++x) {
        const float v = px(in, 0, x, 0), o = px(out, 0, x, 0);
        if (x < 32) {
            EXPECT_LT(o, v) << "shadows get darker at x " << x;
        } else if (x > 32) {
            EXPECT_GT(o, v) << "highlights get brighter at x " << x;
        }
        EXPECT_GE(o, px(out, 0, x - 1, 0)) << "monotone at x " << x;
    }
    // Half strength changes less than full strength.
    p.contrast = 0.5f;
    const PlanarFrame half = run(in, nullptr, p);
    EXPECT_LT(std::fabs(px(half, 0, 10, 0) - px(in, 0, 10, 0)),
              std::fabs(px(out, 0, 10, 0) - px(in, 0, 10, 0)));
}

TEST_P(EnhanceBehaviour, LineDarkeningOnlyOnLineArt) {
    const PlanarFrame in = random_frame(40, 20, 3);
    // Class map at half resolution (stage 2 runs before the x2 upscale): column 5 is line art.
    FeatureMap f;
    ASSERT_TRUE(f.ensure(20, 10).ok());
    for (int y = 0; y < 10; ++y) {
        for (int x = 0; x < 20; ++x) {
            f.cls_row(y)[x] =
                static_cast<uint8_t>(x == 5 ? PixelClass::line_art : PixelClass::edge);
        }
    }
    EnhanceParams p;
    p.line_darken = 1.0f;
    const PlanarFrame out = run(in, &f, p);
    for (int y = 0; y < 20; ++y) {
        for (int x = 0; x < 40; ++x) {
            const bool line = x / 2 == 5;
            for (int c = 0; c < 3; ++c) {
                const float v = px(in, c, x, y), o = px(out, c, x, y);
                if (line) {
                    EXPECT_LT(o, v * 0.75f + 1e-6f) << "line pixel " << x << "," << y;
                } else {
                    EXPECT_EQ(o, v) << "non-line pixel " << x << "," << y;
                }
            }
        }
    }
}

TEST_P(EnhanceBehaviour, SaturationScalesChromaAndKeepsLightness) {
    // Moderate colours that stay inside the gamut at 1.5x chroma.
    const float colours[][3] = {{0.6f, 0.4f, 0.4f},
                                {0.3f, 0.5f, 0.4f},
                                {0.45f, 0.45f, 0.6f},
                                {0.5f, 0.5f, 0.5f},
                                {0.7f, 0.6f, 0.45f}};
    const int n = 5;
    const PlanarFrame in = make_frame(n, 1, [&](int x, int, float* c) {
        for (int i = 0; i < 3; ++i) c[i] = colours[x][i];
    });
    for (float sat : {0.0f, 0.5f, 1.5f}) {
        EnhanceParams p;
        p.saturation = sat;
        const PlanarFrame out = run(in, nullptr, p);
        for (int x = 0; x < n; ++x) {
            const float o[3] = {px(out, 0, x, 0), px(out, 1, x, 0), px(out, 2, x, 0)};
            double a[3], b[3];
            to_oklab(colours[x], a);
            to_oklab(o, b);
            EXPECT_NEAR(b[0], a[0], 1e-3) << "lightness kept, sat " << sat << " colour " << x;
            const double ca = std::hypot(a[1], a[2]), cb = std::hypot(b[1], b[2]);
            EXPECT_NEAR(cb, sat * ca, 2e-3) << "chroma scaled, sat " << sat << " colour " << x;
            if (sat == 0.0f) {
                EXPECT_NEAR(o[0], o[1], 1e-3);
                EXPECT_NEAR(o[1], o[2], 1e-3);
            }
        }
    }
}

TEST_P(EnhanceBehaviour, SharpeningSteepensEdgesWithoutHalos) {
    // A soft vertical edge 0.2 -> 0.8 (smoothstep over x = 12 .. 20), plus flat areas with
    // +-0.5/255 noise.
    std::mt19937 rng(17);
    std::uniform_real_distribution<float> noise(-0.5f / 255, 0.5f / 255);
    const PlanarFrame in = make_frame(32, 8, [&](int x, int, float* c) {
        const float k = std::clamp((x - 12) / 8.0f, 0.0f, 1.0f);
        const float t = k * k * (3 - 2 * k);
        const float v = 0.2f + 0.6f * t + (x < 10 || x > 22 ? noise(rng) : 0.0f);
        c[0] = c[1] = c[2] = v;
    });
    EnhanceParams p;
    p.sharpen = 2.0f;
    const PlanarFrame out = run(in, nullptr, p);
    float in_slope = 0, out_slope = 0;
    for (int y = 1; y < 7; ++y) {
        for (int x = 1; x < 31; ++x) {
            // Never outside the 3x3 range of the input: no overshoot, no halo.
            float lo = 1, hi = 0;
            for (int dy = -1; dy <= 1; ++dy) {
                for (int dx = -1; dx <= 1; ++dx) {
                    lo = std::min(lo, px(in, 0, x + dx, y + dy));
                    hi = std::max(hi, px(in, 0, x + dx, y + dy));
                }
            }
            ASSERT_GE(px(out, 0, x, y), lo - 1e-6f) << x << "," << y;
            ASSERT_LE(px(out, 0, x, y), hi + 1e-6f) << x << "," << y;
            if (x < 9 || x > 23) {
                EXPECT_EQ(px(out, 0, x, y), px(in, 0, x, y)) << "noise-level detail kept " << x;
            }
        }
        in_slope = std::max(in_slope, px(in, 0, 16, y) - px(in, 0, 15, y));
        out_slope = std::max(out_slope, px(out, 0, 16, y) - px(out, 0, 15, y));
        EXPECT_LT(px(out, 0, 14, y), px(in, 0, 14, y)) << "dark side darker";
        EXPECT_GT(px(out, 0, 17, y), px(in, 0, 17, y)) << "bright side brighter";
    }
    EXPECT_GT(out_slope, in_slope);
}

INSTANTIATE_TEST_SUITE_P(RefAndFast, EnhanceBehaviour, ::testing::Values(0, 1),
                         [](const auto& info) { return info.param == 0 ? "reference" : "fast"; });

}  // namespace
}  // namespace kizuna::stages
