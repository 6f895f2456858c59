// Stage 5 behaviour on generated cartoon sequences, for the reference and the fast version:
// still noise is damped, moving edges leave no trail, a hard cut is passed through untouched.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

#include "stages/cpu/temporal.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/ref/temporal.hpp"

namespace kizuna::stages {
namespace {

constexpr int kW = 96, kH = 64;
constexpr float kBg[3] = {0.80f, 0.85f, 0.90f};
constexpr float kFill[3] = {0.90f, 0.45f, 0.30f};
constexpr float kLine[3] = {0.08f, 0.06f, 0.10f};

// A cartoon frame: flat background, a filled rectangle [x0, x0 + 24) x [16, 48) with a 2-pixel
// dark outline, and a second flat region (a band at the bottom).
PlanarFrame cartoon(int x0, std::mt19937* noise_rng = nullptr, float noise = 0.0f) {
    PlanarFrame f;
    EXPECT_TRUE(f.ensure(kW, kH, false).ok());
    std::uniform_real_distribution<float> n(-noise, noise);
    Plane* planes[3] = {&f.r, &f.g, &f.b};
    for (int y = 0; y < kH; ++y) {
        for (int x = 0; x < kW; ++x) {
            const bool inside = x >= x0 && x < x0 + 24 && y >= 16 && y < 48;
            const bool line = inside && (x < x0 + 2 || x >= x0 + 22 || y < 18 || y >= 46);
            for (int c = 0; c < 3; ++c) {
                float v = line ? kLine[c] : inside ? kFill[c] : y >= 56 ? 0.3f + 0.1f * c : kBg[c];
                if (noise_rng) v += n(*noise_rng);
                planes[c]->row(y)[x] = v;
            }
        }
    }
    return f;
}

double mean_abs_diff(const PlanarFrame& a, const PlanarFrame& b) {
    double s = 0;
    for (int y = 0; y < kH; ++y) {
        for (int x = 0; x < kW; ++x) {
            s += std::fabs(a.r.row(y)[x] - b.r.row(y)[x]) +
                 std::fabs(a.g.row(y)[x] - b.g.row(y)[x]) +
                 std::fabs(a.b.row(y)[x] - b.b.row(y)[x]);
        }
    }
    return s / (3.0 * kW * kH);
}

PlanarFrame copy_of(const PlanarFrame& f) {
    PlanarFrame c;
    EXPECT_TRUE(c.ensure(f.width(), f.height(), false).ok());
    for (int y = 0; y < f.height(); ++y) {
        for (int x = 0; x < f.width(); ++x) {
            c.r.row(y)[x] = f.r.row(y)[x];
            c.g.row(y)[x] = f.g.row(y)[x];
            c.b.row(y)[x] = f.b.row(y)[x];
        }
    }
    return c;
}

// One stage-5 implementation behind a common call: returns whether the frame was a reset.
struct Runner {
    const char* name;
    std::function<bool(const PlanarFrame&, const TemporalParams&, PlanarFrame&)> run;
};

class TemporalBehaviour : public ::testing::TestWithParam<int> {
protected:
    // 0 = reference, 1 = fast with 2 threads.
    bool step(const PlanarFrame& in, const TemporalParams& p, PlanarFrame& out) {
        if (GetParam() == 0) {
            auto r = temporal_ref(in, p, ref_history_, out);
            EXPECT_TRUE(r.ok());
            return r.ok() && *r;
        }
        auto r = fast_.run(in, p, out, pool_);
        EXPECT_TRUE(r.ok());
        return r.ok() && *r;
    }
    TemporalHistory ref_history_;
    TemporalCpu fast_;
    ThreadPool pool_{2};
};

TEST_P(TemporalBehaviour, FirstFrameIsPassedThrough) {
    const PlanarFrame in = cartoon(10);
    PlanarFrame out;
    EXPECT_TRUE(step(in, {}, out));
    EXPECT_EQ(mean_abs_diff(in, out), 0.0);
}

TEST_P(TemporalBehaviour, StillNoiseFlickerIsAtLeastHalved) {
    std::mt19937 rng(1234);
    const TemporalParams p;  // defaults: strength 0.6, motion 0.03, cut 0.25
    PlanarFrame prev_in, prev_out, out;
    double in_diff = 0, out_diff = 0;
    int counted = 0;
    for (int i = 0; i < 16; ++i) {
        PlanarFrame in = cartoon(30, &rng, 0.02f);
        const bool reset = step(in, p, out);
        EXPECT_EQ(reset, i == 0) << "frame " << i;
        if (i >= 4) {  // after the history has settled
            in_diff += mean_abs_diff(in, prev_in);
            out_diff += mean_abs_diff(out, prev_out);
            ++counted;
        }
        prev_in = copy_of(in);
        prev_out = copy_of(out);
    }
    in_diff /= counted;
    out_diff /= counted;
    EXPECT_LE(out_diff, 0.5 * in_diff) << "input flicker " << in_diff << ", output " << out_diff;
}

TEST_P(TemporalBehaviour, MovingShapeLeavesNoTrail) {
    const TemporalParams p;
    PlanarFrame out;
    for (int i = 0; i < 10; ++i) {
        const int x0 = 8 + 4 * i;
        const PlanarFrame in = cartoon(x0);
        step(in, p, out);
        if (i < 2) continue;
        // Behind the trailing edge by more than one frame's motion (4 px): background.
        for (int y = 10; y < 54; ++y) {
            for (int x = 0; x < x0 - 4; ++x) {
                const float got[3] = {out.r.row(y)[x], out.g.row(y)[x], out.b.row(y)[x]};
                for (int c = 0; c < 3; ++c) {
                    ASSERT_NEAR(got[c], kBg[c], 1.0f / 255.0f)
                        << "frame " << i << " x " << x << " y " << y << " channel " << c;
                }
            }
        }
        // The shape itself is where the input puts it (no lag).
        EXPECT_NEAR(out.r.row(30)[x0 + 12], kFill[0], 1.0f / 255.0f) << "frame " << i;
        EXPECT_NEAR(out.r.row(30)[x0], kLine[0], 1.0f / 255.0f) << "frame " << i;
    }
}

TEST_P(TemporalBehaviour, HardCutResetsHistory) {
    std::mt19937 rng(99);
    const TemporalParams p;
    PlanarFrame out;
    for (int i = 0; i < 5; ++i) EXPECT_EQ(step(cartoon(20, &rng, 0.01f), p, out), i == 0);
    // The other scene: inverted colours, different layout.
    PlanarFrame cut = cartoon(60, &rng, 0.01f);
    for (Plane* pl : {&cut.r, &cut.g, &cut.b}) {
        for (int y = 0; y < kH; ++y) {
            for (int x = 0; x < kW; ++x) pl->row(y)[x] = 1.0f - pl->row(y)[x];
        }
    }
    EXPECT_TRUE(step(cut, p, out));
    EXPECT_EQ(mean_abs_diff(cut, out), 0.0) << "the first frame after a cut must be untouched";
    // The next frame of the new scene is blended with the new scene only: with the history
    // the new scene rounded to fp16, out is within strength * half an fp16 step (2^-12 below
    // 1) of it; any of the old scene would move it by far more (the scenes differ by ~0.5).
    PlanarFrame next = copy_of(cut);
    EXPECT_FALSE(step(next, p, out));
    EXPECT_LE(mean_abs_diff(next, out), p.strength * 0x1p-12);
}

TEST_P(TemporalBehaviour, ResetHistoryActsLikeACut) {
    const TemporalParams p;
    PlanarFrame out;
    step(cartoon(20), p, out);
    std::mt19937 rng(5);
    const PlanarFrame noisy = cartoon(20, &rng, 0.01f);
    EXPECT_FALSE(step(noisy, p, out));
    EXPECT_GT(mean_abs_diff(noisy, out), 0.0);
    if (GetParam() == 0) {
        ref_history_.reset();
    } else {
        fast_.reset();
    }
    EXPECT_TRUE(step(noisy, p, out));
    EXPECT_EQ(mean_abs_diff(noisy, out), 0.0);
}

TEST_P(TemporalBehaviour, ZeroStrengthIsIdentity) {
    TemporalParams p;
    p.strength = 0.0f;
    std::mt19937 rng(7);
    PlanarFrame out;
    for (int i = 0; i < 4; ++i) {
        const PlanarFrame in = cartoon(20, &rng, 0.02f);
        step(in, p, out);
        EXPECT_EQ(mean_abs_diff(in, out), 0.0) << "frame " << i;
    }
}

// The history is stored rounded to fp16 (temporal.hpp): a still picture must neither drift
// away from the input frame after frame, nor stick when the picture changes by less than one
// fp16 step per frame (a slow fade). Values in [0.3, 0.9], where an fp16 step is 2^-11 or 2^-12.
TEST_P(TemporalBehaviour, FpHalfHistoryNeitherDriftsNorSticks) {
    const TemporalParams p;
    PlanarFrame out;
    const PlanarFrame still = cartoon(30);
    double worst = 0, last = 0;
    for (int i = 0; i < 30; ++i) {
        step(still, p, out);
        last = 0;
        for (int y = 0; y < kH; ++y) {
            for (int x = 0; x < kW; ++x) {
                last = std::max<double>(last, std::fabs(out.g.row(y)[x] - still.g.row(y)[x]));
            }
        }
        worst = std::max(worst, last);
    }
    // Each frame is a blend of the input and an fp16 rounding of a value at most this far from
    // it: the error stays below strength * half an fp16 step (2^-12 for values below 1).
    EXPECT_LE(worst, p.strength * 0x1p-12 + 1e-6) << "still picture drifts";

    // A fade of 1e-4 per frame (a fifth to a half of an fp16 step): the output follows it with
    // the smoothing lag w / (1 - w) * rate plus the rounding, not with a growing gap.
    const float rate = 1e-4f;
    PlanarFrame fade = copy_of(still);
    for (int i = 0; i <= 40; ++i) {  // frame 0 (flat, unlike the cartoon) may be a cut
        for (Plane* pl : {&fade.r, &fade.g, &fade.b}) {
            for (int y = 0; y < kH; ++y) {
                for (int x = 0; x < kW; ++x)
                    pl->row(y)[x] = 0.5f + 0.1f * (pl == &fade.g) + rate * i;
            }
        }
        const bool reset = step(fade, p, out);
        if (i > 0) {
            EXPECT_FALSE(reset) << "fade frame " << i << " taken as a cut";
        }
    }
    double gap = 0;
    for (int y = 0; y < kH; ++y) {
        for (int x = 0; x < kW; ++x) {
            gap = std::max<double>(gap, std::fabs(out.r.row(y)[x] - fade.r.row(y)[x]));
            gap = std::max<double>(gap, std::fabs(out.g.row(y)[x] - fade.g.row(y)[x]));
        }
    }
    const double lag = p.strength / (1.0 - p.strength) * rate;
    EXPECT_LE(gap, lag + p.strength * 0x1p-11 + 1e-6) << "the output sticks behind a slow fade";
}

INSTANTIATE_TEST_SUITE_P(RefAndFast, TemporalBehaviour, ::testing::Values(0, 1),
                         [](const auto& info) { return info.param == 0 ? "reference" : "fast"; });

}  // namespace
}  // namespace kizuna::stages
