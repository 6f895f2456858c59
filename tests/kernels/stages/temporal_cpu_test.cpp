// Stage 5: fast (SIMD + threads) against the reference over frame sequences, checkasm style.
// Tolerance 1e-5 per value (float summation order differs); reset decisions must agree.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include <fmt/format.h>

#include "stages/temporal.hpp"

namespace kizuna::stages {
namespace {

enum class Fill { random, zeros, ones };

// Frame i of a sequence: a base picture plus per-frame noise of amplitude `noise`; frame `cut`
// switches to another base picture.
PlanarFrame frame_of(int w, int h, Fill fill, uint32_t seed, int i, int cut, float noise,
                     bool alpha) {
    PlanarFrame f;
    EXPECT_TRUE(f.ensure(w, h, alpha).ok());
    std::mt19937 base(seed + (i >= cut ? 777u : 0u));
    std::mt19937 fresh(seed * 31u + static_cast<uint32_t>(i));
    std::uniform_real_distribution<float> u(0.0f, 1.0f), n(-noise, noise);
    Plane* planes[4] = {&f.r, &f.g, &f.b, &f.a};
    for (int c = 0; c < (alpha ? 4 : 3); ++c) {
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                float v = fill == Fill::zeros ? 0.0f : fill == Fill::ones ? 1.0f : u(base);
                if (fill == Fill::random && i >= cut) v = 1.0f - v * 0.2f;
                planes[c]->row(y)[x] = v + (noise > 0 ? n(fresh) : 0.0f);
            }
        }
    }
    return f;
}

void check_sequence(int w, int h, Fill fill, const TemporalParams& p, float noise, uint32_t seed,
                    int threads) {
    TemporalHistory history;
    TemporalCpu fast;
    ThreadPool pool(threads);
    const int cut = 4;
    for (int i = 0; i < 7; ++i) {
        const PlanarFrame in = frame_of(w, h, fill, seed, i, cut, noise, (seed & 1) != 0);
        PlanarFrame ref, out;
        auto rr = temporal_reference(in, p, history, ref);
        auto fr = fast.run(in, p, out, pool);
        ASSERT_TRUE(rr.ok() && fr.ok());
        const std::string what = fmt::format(
            "size {}x{} fill {} strength {} motion {} cut {} noise {} threads {} seed {} frame {}",
            w, h, static_cast<int>(fill), p.strength, p.motion_threshold, p.scene_cut_threshold,
            noise, threads, seed, i);
        ASSERT_EQ(*rr, *fr) << what << ": reset decision differs";
        const Plane* rp[4] = {&ref.r, &ref.g, &ref.b, &ref.a};
        const Plane* op[4] = {&out.r, &out.g, &out.b, &out.a};
        for (int c = 0; c < (in.has_alpha() ? 4 : 3); ++c) {
            for (int y = 0; y < h; ++y) {
                for (int x = 0; x < w; ++x) {
                    ASSERT_NEAR(op[c]->row(y)[x], rp[c]->row(y)[x], 1e-5f)
                        << what << " channel " << c << " x " << x << " y " << y;
                }
            }
        }
    }
}

TEST(TemporalCpu, MatchesReference) {
    const int sizes[][2] = {{67, 43}, {1, 1}, {17, 5}, {33, 2}, {2, 9}, {64, 3}};
    const TemporalParams corners[] = {{0.6f, 0.03f, 0.25f}, {1.0f, 1.0f, 1.0f},
                                      {0.0f, 0.03f, 0.25f}, {1.0f, 0.001f, 0.25f},
                                      {0.6f, 0.03f, 0.0f},  {0.8f, 0.1f, 0.5f}};
    uint32_t seed = 99;
    for (const auto& s : sizes) {
        for (const TemporalParams& p : corners) {
            for (Fill fill : {Fill::random, Fill::zeros, Fill::ones}) {
                for (float noise : {0.0f, 0.01f, 0.05f}) {
                    check_sequence(s[0], s[1], fill, p, noise, seed, 1 + seed % 3);
                    ++seed;
                    if (HasFatalFailure()) return;
                }
            }
        }
    }
}

TEST(TemporalCpu, IdenticalForAnyThreadCount) {
    std::vector<std::vector<float>> first;
    for (int threads : {1, 2, 3}) {
        ThreadPool pool(threads);
        TemporalCpu fast;
        std::vector<std::vector<float>> rows;
        for (int i = 0; i < 5; ++i) {
            const PlanarFrame in = frame_of(99, 61, Fill::random, 3, i, 100, 0.02f, false);
            PlanarFrame out;
            ASSERT_TRUE(fast.run(in, {}, out, pool).ok());
            for (int y = 0; y < 61; ++y) rows.emplace_back(out.g.row(y), out.g.row(y) + 99);
        }
        if (threads == 1) {
            first = rows;
        } else {
            ASSERT_EQ(first, rows) << "threads " << threads;
        }
    }
}

}  // namespace
}  // namespace kizuna::stages
