// checkasm-style: ResampleCpu against resample_plane_ref on random, all-zero and all-one planes,
// odd sizes up and down, both filters and the anti-ringing corners. Tolerance: 1e-5.
#include <gtest/gtest.h>

#include <random>

#include <fmt/format.h>

#include "stages/cpu/resample.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/ref/resample.hpp"
#include "stages/resample.hpp"

namespace kizuna::stages {
namespace {

TEST(ResampleCpu, MatchesReference) {
    ThreadPool pool(2);
    ResampleCpu fast;
    uint32_t seed = 0;
    for (auto [w, h] : {std::pair{67, 43}, std::pair{1, 1}, std::pair{2, 3}, std::pair{17, 5}}) {
        for (int fill = 0; fill < 3; ++fill) {
            Plane in = std::move(Plane::create(w, h).value());
            std::mt19937 rng(++seed);
            std::uniform_real_distribution<float> u(0.0f, 1.0f);
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    in.row(y)[x] = fill == 0 ? u(rng) : fill == 1 ? 0.0f : 1.0f;
            for (auto [ow, oh] :
                 {std::pair{2 * w + 1, 3 * h}, std::pair{w * 3 / 2 + 1, h}, std::pair{1, 2},
                  std::pair{w, h}, std::pair{std::max(1, w / 3), std::max(1, h / 2)}}) {
                for (auto filter : {ResampleFilter::bicubic, ResampleFilter::lanczos3}) {
                    for (float ar : {0.0f, 0.5f, 1.0f}) {
                        Plane ref = std::move(Plane::create(ow, oh).value());
                        Plane out = std::move(Plane::create(ow, oh).value());
                        resample_plane_ref(in, ref, filter, ar);
                        ASSERT_TRUE(fast.run(in, out, filter, ar, pool).ok());
                        for (int y = 0; y < oh; ++y)
                            for (int x = 0; x < ow; ++x)
                                ASSERT_NEAR(ref.row(y)[x], out.row(y)[x], 1e-5f) << fmt::format(
                                    "{}x{} -> {}x{} fill {} seed {} filter {} anti_ringing {} at "
                                    "{},{}",
                                    w, h, ow, oh, fill, seed, static_cast<int>(filter), ar, x, y);
                    }
                }
            }
        }
    }
}

}  // namespace
}  // namespace kizuna::stages
