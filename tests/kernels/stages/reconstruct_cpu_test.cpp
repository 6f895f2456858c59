// checkasm-style (stage_check.hpp): ReconstructCpu against reconstruct_ref on every harness fill
// and the blocky picture, odd sizes, and the corners of both thresholds. Tolerance: gradients
// 1e-6, classes identical (the fast path uses the same arithmetic in the same order).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "kernel_check.hpp"
#include "stage_check.hpp"
#include "stages/color.hpp"
#include "stages/cpu/reconstruct.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/ref/reconstruct.hpp"

namespace kizuna::stages {
namespace {

constexpr check::Tolerance kGradientTol{1e-6f};

std::vector<uint8_t> class_bytes(const FeatureMap& f) {
    std::vector<uint8_t> v;
    for (int y = 0; y < f.height(); ++y) v.insert(v.end(), f.cls_row(y), f.cls_row(y) + f.width());
    return v;
}

::testing::AssertionResult classes_match(const FeatureMap& got, const FeatureMap& ref,
                                         const std::string& what) {
    auto r = test::compare_bytes(class_bytes(got), class_bytes(ref), 0, {ref.width(), ref.height()},
                                 what + " classes");
    if (r) return r;
    // The gradients at the first differing class, to tell a tie decided otherwise from an error.
    for (int y = 0; y < ref.height(); ++y) {
        for (int x = 0; x < ref.width(); ++x) {
            if (got.cls_row(y)[x] == ref.cls_row(y)[x]) continue;
            return r << fmt::format(
                       "; first at x {} y {}: mag {:a} vs {:a} gx {:a} vs {:a} gy {:a} "
                       "vs {:a}",
                       x, y, got.magnitude.row(y)[x], ref.magnitude.row(y)[x], got.gx.row(y)[x],
                       ref.gx.row(y)[x], got.gy.row(y)[x], ref.gy.row(y)[x]);
        }
    }
    return r;
}

// Gradients within `tol` (the magnitude too when `magnitude`), classes identical.
::testing::AssertionResult features_match(const FeatureMap& got, const FeatureMap& ref,
                                          check::Tolerance tol, bool magnitude,
                                          const std::string& what) {
    if (got.width() != ref.width() || got.height() != ref.height()) {
        return ::testing::AssertionFailure() << what << ": size differs";
    }
    if (auto r = check::compare_planes(got.gx, ref.gx, tol, what + " gx"); !r) return r;
    if (auto r = check::compare_planes(got.gy, ref.gy, tol, what + " gy"); !r) return r;
    if (magnitude) {
        auto r = check::compare_planes(got.magnitude, ref.magnitude, tol, what + " magnitude");
        if (!r) return r;
    }
    return classes_match(got, ref, what);
}

TEST(ReconstructCpu, MatchesReference) {
    ThreadPool pool(2);
    ReconstructCpu fast;
    uint32_t salt = 1;
    // stage_sizes(), a tall narrow frame, and 131x70 and 64x40: several bands of rows per thread
    // (band edges recompute their ring rows), a width that is a whole number of vectors and one
    // that is not.
    std::vector<check::Size> sizes(check::stage_sizes().begin(), check::stage_sizes().end());
    sizes.insert(sizes.end(), {{3, 29}, {131, 70}, {64, 40}});
    for (const check::Size& s : sizes) {
        for (const check::Input& input : check::all_inputs()) {
            const uint32_t seed = test::case_seed(++salt);
            const PlanarFrame fr = check::make_input(s.width, s.height, false, input, seed);
            // A constant picture has no gradient: the default thresholds suffice.
            const bool flat = !input.blocky &&
                              (input.fill == check::Fill::zeros || input.fill == check::Fill::ones);
            for (float et : {0.0f, 0.06f, 1.0f}) {
                for (float lt : {0.0f, 0.04f, 1.0f}) {
                    if (flat && (et != 0.06f || lt != 0.04f)) continue;
                    ReconstructParams p;
                    p.edge_threshold = et;
                    p.line_threshold = lt;
                    FeatureMap ref, out;
                    ASSERT_TRUE(reconstruct_ref(fr, p, ref).ok());
                    ASSERT_TRUE(fast.run(fr, p, out, pool).ok());
                    ASSERT_TRUE(features_match(
                        out, ref, kGradientTol, true,
                        fmt::format("reconstruct {}x{} {} edge {} line {}{}", s.width, s.height,
                                    input.name(), et, lt, test::seed_note(seed))));
                }
            }
        }
    }
    if (!test::bench_enabled()) return;
    const PlanarFrame fr = check::make_blocky(1920, 1080, false, test::case_seed(1));
    FeatureMap out;
    test::bench_vs_ref(
        "reconstruct 1920x1080", [&] { (void)reconstruct_ref(fr, ReconstructParams{}, out); },
        [&] { (void)fast.run(fr, ReconstructParams{}, out, pool); }, 5);
}

TEST(ReconstructCpu, DeterministicAcrossThreadCounts) {
    const int w = 67, h = 83;
    const uint32_t seed = test::case_seed(9);
    const PlanarFrame fr = check::make_frame(w, h, false, check::Fill::random, seed);
    ThreadPool one(1);
    ReconstructCpu a;
    FeatureMap fa;
    ASSERT_TRUE(a.run(fr, ReconstructParams{}, fa, one).ok());
    for (int threads : {2, 3}) {
        ThreadPool pool(threads);
        ReconstructCpu b;
        FeatureMap fb;
        ASSERT_TRUE(b.run(fr, ReconstructParams{}, fb, pool).ok());
        const std::string what =
            fmt::format("{}x{} threads {} against 1{}", w, h, threads, test::seed_note(seed));
        ASSERT_TRUE(features_match(fb, fa, {}, true, what));
    }
}

// set_store_magnitude(false): gradients and classes still match the reference (the classes need
// the magnitude internally), and the magnitude plane is left untouched (a sentinel survives).
TEST(ReconstructCpu, WithoutMagnitudeStore) {
    ThreadPool pool(2);
    ReconstructCpu fast;
    fast.set_store_magnitude(false);
    uint32_t salt = 300;
    for (auto [w, h] : {std::pair{67, 43}, std::pair{131, 70}, std::pair{2, 3}}) {
        for (const check::Input input :
             {check::Input{check::Fill::random}, check::Input{{}, true}}) {
            const uint32_t seed = test::case_seed(++salt);
            const PlanarFrame fr = check::make_input(w, h, false, input, seed);
            const std::string what =
                fmt::format("{}x{} {}{}", w, h, input.name(), test::seed_note(seed));
            FeatureMap ref, out;
            ASSERT_TRUE(reconstruct_ref(fr, ReconstructParams{}, ref).ok());
            ASSERT_TRUE(out.ensure(w, h).ok());
            Plane sentinel = std::move(Plane::create(w, h).value());
            for (int y = 0; y < h; ++y) {
                std::fill_n(out.magnitude.row(y), w, -7.0f);
                std::fill_n(sentinel.row(y), w, -7.0f);
            }
            ASSERT_TRUE(fast.run(fr, ReconstructParams{}, out, pool).ok());
            ASSERT_TRUE(check::compare_planes(out.magnitude, sentinel, {},
                                              what + " magnitude (must stay untouched)"));
            ASSERT_TRUE(features_match(out, ref, kGradientTol, false, what));
        }
    }
}

// Some (r, g) with color::luma_of(r, g, 0) == want exactly (a search near want / 0.7152).
std::pair<float, float> exact_luma(float want) {
    if (want == 0.0f) return {0.0f, 0.0f};
    for (int k = 0; k < 256; ++k) {
        const float r = static_cast<float>(k) * 0x1p-22f;
        float g = (want - 0.2126f * r) / 0.7152f;
        for (int i = 0; i < 200; ++i) g = std::nextafter(g, 0.0f);
        for (int i = 0; i < 400; ++i, g = std::nextafter(g, 1.0f)) {
            if (color::luma_of(r, g, 0.0f) == want) return {r, g};
        }
    }
    ADD_FAILURE() << "no exact luma for " << want;
    return {0.0f, 0.0f};
}

// The texture test sqrt(|sum g|^2) < 0.5 * sum |g| at (and just off) an exact tie, where the
// fast path cannot decide from squared values and must take the root. Columns of luma
// 0, 0, 0, 0, 6a, 0, 4a - d, 4a - d, 4a - d (a = 2^-6), every row alike: at (4, 2) the window's
// gx columns are 3a, 0, -(a + d / 2), gy = 0; d = 0 is an exact tie (not texture), d = 2^-23
// puts |sum g|^2 within 2^-16 of t^2 but below it (texture).
TEST(ReconstructCpu, TextureTieTakesTheRoot) {
    ThreadPool pool(2);
    ReconstructCpu fast;
    const float a = 0x1p-6f;
    for (float d : {0.0f, 0x1p-23f}) {
        const float col[9] = {0, 0, 0, 0, 6 * a, 0, 4 * a - d, 4 * a - d, 4 * a - d};
        PlanarFrame fr;
        ASSERT_TRUE(fr.ensure(9, 5, false).ok());
        for (int y = 0; y < 5; ++y)
            for (int x = 0; x < 9; ++x) {
                const auto [r, g] = exact_luma(col[x]);
                fr.r.row(y)[x] = r;
                fr.g.row(y)[x] = g;
                fr.b.row(y)[x] = 0.0f;
            }
        ReconstructParams p;
        p.edge_threshold = 0.06f;
        p.line_threshold = 1.0f;
        FeatureMap ref, out;
        ASSERT_TRUE(reconstruct_ref(fr, p, ref).ok());
        ASSERT_TRUE(fast.run(fr, p, out, pool).ok());
        // The construction must reach the case it is about (checked on the reference).
        const bool want_texture = d > 0.0f;
        ASSERT_EQ(ref.cls_row(2)[4] == static_cast<uint8_t>(PixelClass::texture), want_texture)
            << "d " << d << ": the fixture does not make the intended tie";
        EXPECT_TRUE(classes_match(out, ref, fmt::format("tie fixture d {:a}", d)));
    }
}

}  // namespace
}  // namespace kizuna::stages
