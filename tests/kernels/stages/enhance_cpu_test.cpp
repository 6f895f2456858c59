// Stage 4: fast (SIMD + threads) against the reference, checkasm style. Tolerance 2e-4 per value
// (the fast saturation approximates the sRGB transfer and the cube root; colour_math_test.cpp
// bounds each approximation).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "stages/cpu/enhance.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/ref/enhance.hpp"

namespace kizuna::stages {
namespace {

enum class Fill { random, zeros, ones, wild };

PlanarFrame make_input(int w, int h, Fill fill, uint32_t seed, bool alpha) {
    PlanarFrame f;
    EXPECT_TRUE(f.ensure(w, h, alpha).ok());
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f), wide(-0.25f, 1.25f);
    Plane* planes[4] = {&f.r, &f.g, &f.b, &f.a};
    for (int c = 0; c < (alpha ? 4 : 3); ++c) {
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                float v = fill == Fill::zeros  ? 0.0f
                          : fill == Fill::ones ? 1.0f
                          : fill == Fill::wild ? wide(rng)
                                               : u(rng);
                planes[c]->row(y)[x] = v;
            }
        }
    }
    return f;
}

FeatureMap make_classes(int w, int h, uint32_t seed) {
    FeatureMap f;
    EXPECT_TRUE(f.ensure(w, h).ok());
    std::mt19937 rng(seed);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) f.cls_row(y)[x] = static_cast<uint8_t>(rng() % 4);
    }
    return f;
}

struct Case {
    int w, h;
    EnhanceParams p;
    bool linear;
    Fill fill;
    bool half_res_classes;
};

void check(const Case& c, uint32_t seed, int threads) {
    const PlanarFrame in = make_input(c.w, c.h, c.fill, seed, (seed & 1) != 0);
    const FeatureMap cls = make_classes(c.half_res_classes ? (c.w + 1) / 2 : c.w,
                                        c.half_res_classes ? (c.h + 1) / 2 : c.h, seed + 1);
    PlanarFrame ref, fast;
    ASSERT_TRUE(enhance_ref(in, &cls, c.p, c.linear, ref).ok());
    ThreadPool pool(threads);
    EnhanceCpu cpu;
    ASSERT_TRUE(cpu.run(in, &cls, c.p, c.linear, fast, pool).ok());
    const std::string what = fmt::format(
        "size {}x{} contrast {} line_darken {} saturation {} sharpen {} linear {} fill {} "
        "half_res_classes {} threads {} seed {}",
        c.w, c.h, c.p.contrast, c.p.line_darken, c.p.saturation, c.p.sharpen, c.linear,
        static_cast<int>(c.fill), c.half_res_classes, threads, seed);
    const Plane* rp[4] = {&ref.r, &ref.g, &ref.b, &ref.a};
    const Plane* fp[4] = {&fast.r, &fast.g, &fast.b, &fast.a};
    ASSERT_EQ(ref.has_alpha(), fast.has_alpha()) << what;
    for (int ch = 0; ch < (ref.has_alpha() ? 4 : 3); ++ch) {
        for (int y = 0; y < c.h; ++y) {
            for (int x = 0; x < c.w; ++x) {
                ASSERT_NEAR(fp[ch]->row(y)[x], rp[ch]->row(y)[x], 2e-4f)
                    << what << " at channel " << ch << " x " << x << " y " << y;
            }
        }
    }
}

TEST(EnhanceCpu, MatchesReference) {
    // 600 and 513 span several 256-pixel chunks of the row kernel; 16, 256 and 272 end on a
    // whole vector (the right edge pixel is the last lane), 257 one pixel past a chunk.
    const int sizes[][2] = {{67, 43}, {1, 1},   {17, 5}, {33, 2},  {2, 9},   {48, 16},
                            {600, 7}, {513, 3}, {16, 4}, {256, 3}, {272, 2}, {257, 2}};
    const EnhanceParams corners[] = {
        {0.0f, 0.0f, 1.0f, 0.0f},  {1.0f, 0.0f, 1.0f, 0.0f}, {0.0f, 1.0f, 1.0f, 0.0f},
        {0.0f, 0.0f, 0.0f, 0.0f},  {0.0f, 0.0f, 2.0f, 0.0f}, {0.0f, 0.0f, 1.0f, 2.0f},
        {0.1f, 0.2f, 1.05f, 0.3f}, {1.0f, 1.0f, 2.0f, 2.0f}, {0.5f, 0.5f, 0.5f, 1.0f}};
    uint32_t seed = 2024;
    for (const auto& s : sizes) {
        for (const EnhanceParams& p : corners) {
            for (Fill fill : {Fill::random, Fill::zeros, Fill::ones, Fill::wild}) {
                for (bool linear : {false, true}) {
                    check({s[0], s[1], p, linear, fill, (seed & 2) != 0}, seed, 1 + seed % 3);
                    ++seed;
                    if (HasFatalFailure()) return;
                }
            }
        }
    }
}

// Saturation alone over a dense grid of colours (every 1/31 step of r, g and b, plus values near
// the sRGB transfer's linear segment and tiny ones), where the fast transfer and cube-root
// approximations are most exposed; same 2e-4 tolerance.
TEST(EnhanceCpu, SaturationDenseColourGrid) {
    const float special[] = {0.0f,  1e-7f,    1e-5f,   0.003f, 0.0031308f,
                             0.02f, 0.04045f, 0.0405f, 0.5f,   0.999f};
    std::vector<float> levels;
    for (int i = 0; i < 32; ++i) levels.push_back(i / 31.0f);
    levels.insert(levels.end(), std::begin(special), std::end(special));
    const int n = static_cast<int>(levels.size());
    const int w = n * n, h = n;
    PlanarFrame in;
    ASSERT_TRUE(in.ensure(w, h, false).ok());
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            in.r.row(y)[x] = levels[x % n];
            in.g.row(y)[x] = levels[x / n];
            in.b.row(y)[x] = levels[y];
        }
    }
    ThreadPool pool(2);
    for (float sat : {0.0f, 0.5f, 1.05f, 2.0f}) {
        for (bool linear : {false, true}) {
            const EnhanceParams p{0.0f, 0.0f, sat, 0.0f};
            PlanarFrame ref, fast;
            ASSERT_TRUE(enhance_ref(in, nullptr, p, linear, ref).ok());
            EnhanceCpu cpu;
            ASSERT_TRUE(cpu.run(in, nullptr, p, linear, fast, pool).ok());
            float worst = 0.0f;
            const Plane* rp[3] = {&ref.r, &ref.g, &ref.b};
            const Plane* fp[3] = {&fast.r, &fast.g, &fast.b};
            for (int ch = 0; ch < 3; ++ch) {
                for (int y = 0; y < h; ++y) {
                    for (int x = 0; x < w; ++x) {
                        const float err = std::fabs(fp[ch]->row(y)[x] - rp[ch]->row(y)[x]);
                        worst = std::max(worst, err);
                        ASSERT_LE(err, 2e-4f) << "saturation " << sat << " linear " << linear
                                              << " rgb " << in.r.row(y)[x] << " " << in.g.row(y)[x]
                                              << " " << in.b.row(y)[x] << " channel " << ch;
                    }
                }
            }
            std::printf("saturation %.2f linear %d: max error %.3g\n", sat, linear, worst);
        }
    }
}

TEST(EnhanceCpu, IdenticalForAnyThreadCount) {
    const PlanarFrame in = make_input(131, 77, Fill::random, 5, false);
    const FeatureMap cls = make_classes(131, 77, 6);
    const EnhanceParams p{0.3f, 0.5f, 1.3f, 0.7f};
    PlanarFrame first;
    for (int threads : {1, 2, 3}) {
        ThreadPool pool(threads);
        EnhanceCpu cpu;
        PlanarFrame out;
        ASSERT_TRUE(cpu.run(in, &cls, p, false, out, pool).ok());
        if (threads == 1) {
            first = std::move(out);
            continue;
        }
        for (int y = 0; y < 77; ++y) {
            ASSERT_EQ(0, std::memcmp(first.r.row(y), out.r.row(y), 131 * sizeof(float)))
                << "threads " << threads << " row " << y;
            ASSERT_EQ(0, std::memcmp(first.b.row(y), out.b.row(y), 131 * sizeof(float)))
                << "threads " << threads << " row " << y;
        }
    }
}

}  // namespace
}  // namespace kizuna::stages
