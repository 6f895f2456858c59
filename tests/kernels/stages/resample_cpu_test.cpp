// checkasm-style (stage_check.hpp): ResampleCpu against resample_plane_ref on every harness fill,
// odd sizes (a subset) up and down, both filters and the anti-ringing corners. Tolerance: 1e-5.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include <fmt/format.h>

#include "kernel_check.hpp"
#include "stage_check.hpp"
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
    uint32_t salt = 0;
    // A subset of sizes: every size gives five targets, and the reference is slow.
    for (auto [w, h] : {std::pair{67, 43}, std::pair{1, 1}, std::pair{2, 3}, std::pair{17, 5}}) {
        for (check::Fill fill : test::kAllFills) {
            const uint32_t seed = test::case_seed(++salt);
            Plane in = std::move(Plane::create(w, h).value());
            std::mt19937 rng(seed);
            check::fill_plane(in, fill, rng);
            for (auto [ow, oh] :
                 {std::pair{2 * w + 1, 3 * h}, std::pair{w * 3 / 2 + 1, h}, std::pair{1, 2},
                  std::pair{w, h}, std::pair{std::max(1, w / 3), std::max(1, h / 2)}}) {
                for (auto filter : {ResampleFilter::bicubic, ResampleFilter::lanczos3}) {
                    for (float ar : {0.0f, 0.5f, 1.0f}) {
                        Plane ref = std::move(Plane::create(ow, oh).value());
                        Plane out = std::move(Plane::create(ow, oh).value());
                        resample_plane_ref(in, ref, filter, ar);
                        ASSERT_TRUE(fast.run(in, out, filter, ar, pool).ok());
                        ASSERT_TRUE(check::compare_planes(
                            out, ref, {1e-5f},
                            fmt::format("resample {}x{} -> {}x{} {} filter {} anti_ringing {}{}", w,
                                        h, ow, oh, test::fill_name(fill), static_cast<int>(filter),
                                        ar, test::seed_note(seed))));
                    }
                }
            }
        }
    }
    if (!test::bench_enabled()) return;
    Plane in = std::move(Plane::create(1920, 1080).value());
    std::mt19937 rng(test::case_seed(1));
    check::fill_plane(in, check::Fill::random, rng);
    Plane out = std::move(Plane::create(1280, 720).value());
    test::bench_vs_ref(
        "resample lanczos3 1920x1080 -> 1280x720",
        [&] { resample_plane_ref(in, out, ResampleFilter::lanczos3, 1.0f); },
        [&] { (void)fast.run(in, out, ResampleFilter::lanczos3, 1.0f, pool); }, 5);
}

}  // namespace
}  // namespace kizuna::stages
