// Stage 4: fast (SIMD + threads) against the reference, checkasm style (stage_check.hpp).
// Tolerance 2e-4 per value (the fast saturation approximates the sRGB transfer and the cube root;
// colour_math_test.cpp bounds each approximation).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "kernel_check.hpp"
#include "stage_check.hpp"
#include "stages/cpu/enhance.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/ref/enhance.hpp"

namespace kizuna::stages {
namespace {

using check::Fill;

constexpr check::Tolerance kTol{2e-4f};

FeatureMap make_classes(int w, int h, uint32_t seed) {
    FeatureMap f;
    EXPECT_TRUE(f.ensure(w, h).ok());
    std::mt19937 rng(seed);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) f.cls_row(y)[x] = static_cast<uint8_t>(rng() % 4);
    }
    return f;
}

TEST(EnhanceCpu, MatchesReference) {
    // stage_sizes() (600 and 513 span several 256-pixel chunks of the row kernel, 257 is one
    // pixel past a chunk), and 256, 272 and 48 that end on a whole vector (the right edge pixel
    // is the last lane).
    std::vector<check::Size> sizes(check::stage_sizes().begin(), check::stage_sizes().end());
    sizes.insert(sizes.end(), {{256, 3}, {272, 2}, {48, 16}});
    const EnhanceParams corners[] = {
        {0.0f, 0.0f, 1.0f, 0.0f},  {1.0f, 0.0f, 1.0f, 0.0f}, {0.0f, 1.0f, 1.0f, 0.0f},
        {0.0f, 0.0f, 0.0f, 0.0f},  {0.0f, 0.0f, 2.0f, 0.0f}, {0.0f, 0.0f, 1.0f, 2.0f},
        {0.1f, 0.2f, 1.05f, 0.3f}, {1.0f, 1.0f, 2.0f, 2.0f}, {0.5f, 0.5f, 0.5f, 1.0f}};
    ThreadPool pools[3] = {ThreadPool(1), ThreadPool(2), ThreadPool(3)};
    EnhanceCpu cpu;
    uint32_t salt = 2024;
    for (const check::Size& s : sizes) {
        for (const EnhanceParams& p : corners) {
            for (Fill fill : test::kAllFills) {
                for (bool linear : {false, true}) {
                    // Alpha and the class map's resolution change with the case.
                    const uint32_t seed = test::case_seed(salt++);
                    const bool alpha = (salt & 2) != 0, half_res_classes = (salt & 4) != 0;
                    const PlanarFrame in = check::make_frame(s.width, s.height, alpha, fill, seed);
                    const FeatureMap cls =
                        make_classes(half_res_classes ? (s.width + 1) / 2 : s.width,
                                     half_res_classes ? (s.height + 1) / 2 : s.height, seed + 1);
                    ThreadPool& pool = pools[salt % 3];
                    const std::string what = fmt::format(
                        "enhance {}x{} contrast {} line_darken {} saturation {} sharpen {} linear "
                        "{} {} alpha {} half_res_classes {} threads {}{}",
                        s.width, s.height, p.contrast, p.line_darken, p.saturation, p.sharpen,
                        linear, test::fill_name(fill), alpha, half_res_classes, pool.size(),
                        test::seed_note(seed));
                    PlanarFrame ref, fast;
                    ASSERT_TRUE(enhance_ref(in, &cls, p, linear, ref).ok()) << what;
                    ASSERT_TRUE(cpu.run(in, &cls, p, linear, fast, pool).ok()) << what;
                    ASSERT_TRUE(check::compare_frames(fast, ref, kTol, what));
                }
            }
        }
    }
    if (!test::bench_enabled()) return;
    const PlanarFrame in = check::make_frame(1920, 1080, false, Fill::random, test::case_seed(1));
    const FeatureMap cls = make_classes(1920, 1080, test::case_seed(2));
    const EnhanceParams p{0.3f, 0.5f, 1.3f, 0.7f};
    PlanarFrame out;
    test::bench_vs_ref(
        "enhance 1920x1080", [&] { (void)enhance_ref(in, &cls, p, false, out); },
        [&] { (void)cpu.run(in, &cls, p, false, out, pools[2]); }, 5);
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
    EnhanceCpu cpu;
    for (float sat : {0.0f, 0.5f, 1.05f, 2.0f}) {
        for (bool linear : {false, true}) {
            const EnhanceParams p{0.0f, 0.0f, sat, 0.0f};
            PlanarFrame ref, fast;
            ASSERT_TRUE(enhance_ref(in, nullptr, p, linear, ref).ok());
            ASSERT_TRUE(cpu.run(in, nullptr, p, linear, fast, pool).ok());
            // Position x, y is the colour (levels[x % n], levels[x / n], levels[y]).
            EXPECT_TRUE(check::compare_frames(
                fast, ref, kTol,
                fmt::format("dense colour grid of {} levels, saturation {} linear {}", n, sat,
                            linear)));
        }
    }
}

TEST(EnhanceCpu, IdenticalForAnyThreadCount) {
    const uint32_t seed = test::case_seed(5);
    const PlanarFrame in = check::make_frame(131, 77, false, Fill::random, seed);
    const FeatureMap cls = make_classes(131, 77, seed + 1);
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
        EXPECT_TRUE(check::compare_frames(
            out, first, {},
            fmt::format("131x77 threads {} against 1{}", threads, test::seed_note(seed))));
    }
}

}  // namespace
}  // namespace kizuna::stages
