// checkasm-style: ReconstructCpu against reconstruct_ref on random, blocky, all-zero and all-one
// pictures, odd sizes, and the corners of both thresholds. Tolerance: gradients 1e-6, classes
// identical (the fast path uses the same arithmetic in the same order).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "stages/color.hpp"
#include "stages/cpu/reconstruct.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/ref/reconstruct.hpp"

namespace kizuna::stages {
namespace {

enum class Fill { random, blocky, zeros, ones };
const char* fill_name(Fill f) {
    return f == Fill::random   ? "random"
           : f == Fill::blocky ? "blocky"
           : f == Fill::zeros  ? "zeros"
                               : "ones";
}

PlanarFrame make_frame(int w, int h, Fill fill, uint32_t seed) {
    PlanarFrame fr;
    EXPECT_TRUE(fr.ensure(w, h, false).ok());
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    const float block[4] = {u(rng), u(rng), u(rng), u(rng)};
    for (Plane* p : {&fr.r, &fr.g, &fr.b})
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                float v = 0.0f;
                switch (fill) {
                    case Fill::random:
                        v = u(rng);
                        break;
                    case Fill::blocky:
                        v = (x == y / 2 + 3) ? 0.05f : block[((x / 5) + (y / 4)) & 3];
                        break;
                    case Fill::zeros:
                        v = 0.0f;
                        break;
                    case Fill::ones:
                        v = 1.0f;
                        break;
                }
                p->row(y)[x] = v;
            }
    return fr;
}

TEST(ReconstructCpu, MatchesReference) {
    ThreadPool pool(2);
    ReconstructCpu fast;
    uint32_t seed = 1;
    // 131x70 and 64x40: several bands of rows per thread (band edges recompute their ring
    // rows), a width that is a whole number of vectors and one that is not.
    for (auto [w, h] : {std::pair{67, 43}, std::pair{1, 1}, std::pair{2, 3}, std::pair{17, 5},
                        std::pair{3, 29}, std::pair{131, 70}, std::pair{64, 40}}) {
        for (Fill fill : {Fill::random, Fill::blocky, Fill::zeros, Fill::ones}) {
            const PlanarFrame fr = make_frame(w, h, fill, ++seed);
            for (float et : {0.0f, 0.06f, 1.0f}) {
                for (float lt : {0.0f, 0.04f, 1.0f}) {
                    ReconstructParams p;
                    p.edge_threshold = et;
                    p.line_threshold = lt;
                    FeatureMap ref, out;
                    ASSERT_TRUE(reconstruct_ref(fr, p, ref).ok());
                    ASSERT_TRUE(fast.run(fr, p, out, pool).ok());
                    const std::string what = fmt::format("{}x{} {} seed {} edge {} line {}", w, h,
                                                         fill_name(fill), seed, et, lt);
                    for (int y = 0; y < h; ++y)
                        for (int x = 0; x < w; ++x) {
                            ASSERT_NEAR(ref.gx.row(y)[x], out.gx.row(y)[x], 1e-6f)
                                << what << " at " << x << "," << y;
                            ASSERT_NEAR(ref.gy.row(y)[x], out.gy.row(y)[x], 1e-6f) << what;
                            ASSERT_NEAR(ref.magnitude.row(y)[x], out.magnitude.row(y)[x], 1e-6f)
                                << what;
                            ASSERT_EQ(ref.cls_row(y)[x], out.cls_row(y)[x])
                                << what << " at " << x << "," << y
                                << fmt::format(" mag {:a} vs {:a} gx {:a} vs {:a} gy {:a} vs {:a}",
                                               ref.magnitude.row(y)[x], out.magnitude.row(y)[x],
                                               ref.gx.row(y)[x], out.gx.row(y)[x], ref.gy.row(y)[x],
                                               out.gy.row(y)[x]);
                        }
                }
            }
        }
    }
}

TEST(ReconstructCpu, DeterministicAcrossThreadCounts) {
    const int w = 67, h = 83;
    const PlanarFrame fr = make_frame(w, h, Fill::random, 9);
    ThreadPool one(1);
    ReconstructCpu a;
    FeatureMap fa;
    ASSERT_TRUE(a.run(fr, ReconstructParams{}, fa, one).ok());
    for (int threads : {2, 3}) {
        ThreadPool pool(threads);
        ReconstructCpu b;
        FeatureMap fb;
        ASSERT_TRUE(b.run(fr, ReconstructParams{}, fb, pool).ok());
        for (int y = 0; y < h; ++y) {
            const size_t bytes = w * sizeof(float);
            ASSERT_EQ(std::memcmp(fa.gx.row(y), fb.gx.row(y), bytes), 0)
                << "seed 9 threads " << threads << " row " << y;
            ASSERT_EQ(std::memcmp(fa.gy.row(y), fb.gy.row(y), bytes), 0)
                << "seed 9 threads " << threads << " row " << y;
            ASSERT_EQ(std::memcmp(fa.magnitude.row(y), fb.magnitude.row(y), bytes), 0)
                << "seed 9 threads " << threads << " row " << y;
            ASSERT_EQ(std::memcmp(fa.cls_row(y), fb.cls_row(y), w), 0)
                << "seed 9 threads " << threads << " row " << y;
        }
    }
}

// set_store_magnitude(false): gradients and classes still match the reference (the classes need
// the magnitude internally), and the magnitude plane is left untouched (a sentinel survives).
TEST(ReconstructCpu, WithoutMagnitudeStore) {
    ThreadPool pool(2);
    ReconstructCpu fast;
    fast.set_store_magnitude(false);
    uint32_t seed = 300;
    for (auto [w, h] : {std::pair{67, 43}, std::pair{131, 70}, std::pair{2, 3}}) {
        for (Fill fill : {Fill::random, Fill::blocky}) {
            const PlanarFrame fr = make_frame(w, h, fill, ++seed);
            const std::string what = fmt::format("{}x{} {} seed {}", w, h, fill_name(fill), seed);
            FeatureMap ref, out;
            ASSERT_TRUE(reconstruct_ref(fr, ReconstructParams{}, ref).ok());
            ASSERT_TRUE(out.ensure(w, h).ok());
            for (int y = 0; y < h; ++y) std::fill_n(out.magnitude.row(y), w, -7.0f);
            ASSERT_TRUE(fast.run(fr, ReconstructParams{}, out, pool).ok());
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) {
                    ASSERT_EQ(out.magnitude.row(y)[x], -7.0f) << what << " at " << x << "," << y;
                    ASSERT_NEAR(ref.gx.row(y)[x], out.gx.row(y)[x], 1e-6f) << what;
                    ASSERT_NEAR(ref.gy.row(y)[x], out.gy.row(y)[x], 1e-6f) << what;
                    ASSERT_EQ(ref.cls_row(y)[x], out.cls_row(y)[x])
                        << what << " at " << x << "," << y;
                }
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
        for (int y = 0; y < 5; ++y)
            for (int x = 0; x < 9; ++x)
                ASSERT_EQ(ref.cls_row(y)[x], out.cls_row(y)[x])
                    << "tie fixture d " << d << " at " << x << "," << y;
    }
}

}  // namespace
}  // namespace kizuna::stages
