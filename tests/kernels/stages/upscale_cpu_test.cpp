// checkasm-style: UpscaleCpu against upscale_ref on random, blocky (edges and strokes), all-zero
// and all-one pictures, odd sizes, x2 / x3 / x4 / arbitrary targets, with and without alpha,
// and the corners of anti_ringing and edge_sharpness. Tolerance: max abs difference 2e-5.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "stages/reconstruct.hpp"
#include "stages/thread_pool.hpp"
#include "stages/upscale.hpp"
#include "stages/upscale_cpu.hpp"

namespace kizuna::stages {
namespace {

enum class Fill { random, blocky, zeros, ones };
const char* fill_name(Fill f) {
    return f == Fill::random   ? "random"
           : f == Fill::blocky ? "blocky"
           : f == Fill::zeros  ? "zeros"
                               : "ones";
}

PlanarFrame make_frame(int w, int h, Fill fill, uint32_t seed, bool alpha) {
    PlanarFrame fr;
    EXPECT_TRUE(fr.ensure(w, h, alpha).ok());
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    const float block[4] = {u(rng), u(rng), u(rng), u(rng)};
    Plane* planes[4] = {&fr.r, &fr.g, &fr.b, &fr.a};
    for (int c = 0; c < (alpha ? 4 : 3); ++c)
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                float v = 0.0f;
                switch (fill) {
                    case Fill::random:
                        v = u(rng);
                        break;
                    case Fill::blocky:
                        v = (x + y == 20 || x == 2 * y) ? 0.05f : block[((x / 6) + (y / 5)) & 3];
                        break;
                    case Fill::zeros:
                        v = 0.0f;
                        break;
                    case Fill::ones:
                        v = 1.0f;
                        break;
                }
                planes[c]->row(y)[x] = v;
            }
    return fr;
}

float max_diff(const PlanarFrame& a, const PlanarFrame& b) {
    float worst = 0.0f;
    const Plane* pa[4] = {&a.r, &a.g, &a.b, &a.a};
    const Plane* pb[4] = {&b.r, &b.g, &b.b, &b.a};
    for (int c = 0; c < (a.has_alpha() ? 4 : 3); ++c)
        for (int y = 0; y < a.height(); ++y)
            for (int x = 0; x < a.width(); ++x)
                worst = std::max(worst, std::fabs(pa[c]->row(y)[x] - pb[c]->row(y)[x]));
    return worst;
}

TEST(UpscaleCpu, MatchesReference) {
    ThreadPool pool(2);
    UpscaleCpu fast;
    uint32_t seed = 1000;
    for (auto [w, h] : {std::pair{67, 43}, std::pair{1, 1}, std::pair{2, 3}, std::pair{17, 5}}) {
        for (Fill fill : {Fill::random, Fill::blocky, Fill::zeros, Fill::ones}) {
            const bool alpha = fill == Fill::blocky;
            const PlanarFrame in = make_frame(w, h, fill, ++seed, alpha);
            FeatureMap features;
            ASSERT_TRUE(reconstruct_ref(in, ReconstructParams{}, features).ok());
            // Every anti_ringing x edge_sharpness corner on x2 for the patterned fills; x3, x4
            // and arbitrary targets on the defaults and the extremes (x4 only on the small
            // sizes, to keep the sanitizer build fast).
            const bool patterned = fill == Fill::random || fill == Fill::blocky;
            const bool small = w * h < 200;
            struct Case {
                int ow, oh;
                float ar, sharp;
            };
            std::vector<Case> cases;
            for (float ar : {0.0f, 0.5f, 1.0f})
                for (float sharp : {0.0f, 1.0f, 2.0f})
                    if (patterned || (ar == 1.0f && sharp == 1.0f))
                        cases.push_back({2 * w, 2 * h, ar, sharp});
            for (auto [ar, sharp] : {std::pair{1.0f, 1.0f}, std::pair{0.0f, 2.0f}}) {
                cases.push_back({3 * w, 3 * h, ar, sharp});
                cases.push_back({2 * w + 5, h + 3, ar, sharp});
                cases.push_back({w, h, ar, sharp});
                if (small) cases.push_back({4 * w, 4 * h, ar, sharp});
            }
            for (const Case& c : cases) {
                UpscaleParams p;
                p.anti_ringing = c.ar;
                p.edge_sharpness = c.sharp;
                p.out_width = c.ow;
                p.out_height = c.oh;
                PlanarFrame ref, out;
                ASSERT_TRUE(upscale_ref(in, features, p, ref).ok());
                ASSERT_TRUE(fast.run(in, features, p, out, pool).ok());
                const std::string what =
                    fmt::format("{}x{} -> {}x{} {} seed {} anti_ringing {} edge_sharpness {}", w, h,
                                c.ow, c.oh, fill_name(fill), seed, c.ar, c.sharp);
                ASSERT_EQ(out.width(), c.ow) << what;
                ASSERT_EQ(out.height(), c.oh) << what;
                ASSERT_EQ(out.has_alpha(), alpha) << what;
                ASSERT_LE(max_diff(ref, out), 2e-5f) << what;
            }
        }
    }
}

TEST(UpscaleCpu, DeterministicAcrossThreadCountsAndRuns) {
    const PlanarFrame in = make_frame(67, 43, Fill::blocky, 5, true);
    FeatureMap features;
    ASSERT_TRUE(reconstruct_ref(in, ReconstructParams{}, features).ok());
    UpscaleParams p;
    p.out_width = 67 * 3;
    p.out_height = 43 * 3;
    ThreadPool one(1), two(2);
    UpscaleCpu a, b;
    PlanarFrame fa, fb, fb2;
    ASSERT_TRUE(a.run(in, features, p, fa, one).ok());
    ASSERT_TRUE(b.run(in, features, p, fb, two).ok());
    ASSERT_TRUE(b.run(in, features, p, fb2, two).ok());
    for (int y = 0; y < p.out_height; ++y) {
        for (const auto* planes : {&fb, &fb2}) {
            ASSERT_EQ(std::memcmp(fa.r.row(y), planes->r.row(y), p.out_width * sizeof(float)), 0)
                << "seed 5 row " << y;
            ASSERT_EQ(std::memcmp(fa.a.row(y), planes->a.row(y), p.out_width * sizeof(float)), 0)
                << "seed 5 row " << y;
        }
    }
}

TEST(UpscaleCpu, SteadyStateKeepsItsBuffers) {
    // Same size twice: the output planes are not re-allocated (the pointers stay).
    const PlanarFrame in = make_frame(20, 12, Fill::random, 3, false);
    FeatureMap features;
    ASSERT_TRUE(reconstruct_ref(in, ReconstructParams{}, features).ok());
    UpscaleParams p;
    p.out_width = 80;
    p.out_height = 48;
    ThreadPool pool(2);
    UpscaleCpu fast;
    PlanarFrame out;
    ASSERT_TRUE(fast.run(in, features, p, out, pool).ok());
    const float* before = out.r.data();
    ASSERT_TRUE(fast.run(in, features, p, out, pool).ok());
    EXPECT_EQ(before, out.r.data());
}

}  // namespace
}  // namespace kizuna::stages
