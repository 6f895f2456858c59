// Stage 5 on Vulkan (history kept on the device, scene cut decided on the device) against
// temporal_ref over a sequence: first frame, a still frame with faint noise, a moving
// patch, a scene cut, a still frame after it, a size change, and reset_history. Odd sizes,
// parameter corners. Tolerance: 1e-5 with fp32 storage, 2e-3 with fp16 storage (every stage
// input is fp16 there and rounding carries from frame to frame). The history is defined as the
// output rounded to fp16 (temporal.hpp); with fp32 storage the shaders read it rounded (ties to
// even, in float arithmetic) and evaluate the blend with the same float operations as the
// reference, so a one-fp16-step flip of the history, which would exceed 1e-5, does not occur.
#include <fmt/format.h>

#include "stages/planar.hpp"
#include "stages/ref/temporal.hpp"
#include "vk_test_support.hpp"

namespace kizuna::stages {
namespace {

using vktest::Content;

class VkTemporalTest : public vktest::VkStageTest {};

// f with faint noise (+-0.004) added.
PlanarFrame jitter(const PlanarFrame& f, uint32_t seed) {
    PlanarFrame o = vktest::make_frame(f.width(), f.height(), Content::zeros, 0, false);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(-0.004f, 0.004f);
    const Plane* s[3] = {&f.r, &f.g, &f.b};
    Plane* t[3] = {&o.r, &o.g, &o.b};
    for (int c = 0; c < 3; ++c) {
        for (int y = 0; y < f.height(); ++y) {
            for (int x = 0; x < f.width(); ++x) {
                t[c]->row(y)[x] = std::clamp(s[c]->row(y)[x] + d(rng), 0.0f, 1.0f);
            }
        }
    }
    return o;
}

// f with a dark patch of a third of each side at (w/3, h/3): a small moving object.
PlanarFrame with_patch(const PlanarFrame& f) {
    PlanarFrame o = jitter(f, 0);
    const int pw = std::max(1, f.width() / 3), ph = std::max(1, f.height() / 3);
    for (Plane* p : {&o.r, &o.g, &o.b}) {
        for (int y = f.height() / 3; y < f.height() / 3 + ph; ++y) {
            for (int x = f.width() / 3; x < f.width() / 3 + pw; ++x) p->row(y)[x] = 0.05f;
        }
    }
    return o;
}

TEST_P(VkTemporalTest, MatchesReferenceOverASequence) {
    const TemporalParams corners[] = {
        {0.6f, 0.03f, 0.25f},  // defaults
        {1.0f, 1.0f, 1.0f},    // full strength, everything still, never a cut
        {0.0f, 0.001f, 0.0f},  // no blending; any change is a cut
        {0.8f, 0.01f, 0.05f},
    };
    uint32_t seed = 5000;
    for (const auto size : vktest::kSizes) {
        for (const TemporalParams& p : corners) {
            ++seed;
            TemporalHistory history;
            runner_->reset_temporal();
            const PlanarFrame f0 =
                vktest::make_frame(size.w, size.h, Content::line_art, seed, false);
            const PlanarFrame other =
                vktest::make_frame(size.w + 2, size.h + 1, Content::line_art, seed + 1, false);
            std::vector<std::pair<const char*, PlanarFrame>> seq;
            seq.emplace_back("first", jitter(f0, 1));
            seq.emplace_back("still", jitter(f0, 2));
            seq.emplace_back("moving patch", with_patch(f0));
            seq.emplace_back("scene cut",
                             vktest::make_frame(size.w, size.h, Content::ones, 0, false));
            seq.emplace_back("still after cut", jitter(seq.back().second, 3));
            seq.emplace_back("size change", jitter(other, 4));
            seq.emplace_back("still at new size", jitter(other, 5));
            seq.emplace_back("after reset", jitter(other, 6));
            for (size_t i = 0; i < seq.size(); ++i) {
                auto& [label, frame] = seq[i];
                vktest::quantize(frame, GetParam());
                if (std::string_view(label) == "after reset") {
                    history.reset();
                    runner_->reset_temporal();
                }
                const std::string what = fmt::format(
                    "temporal {} {}x{} frame {} ({}) strength={} motion={} cut={} seed={}",
                    vktest::precision_name(GetParam()), size.w, size.h, i, label, p.strength,
                    p.motion_threshold, p.scene_cut_threshold, seed);
                PlanarFrame want, got;
                ASSERT_TRUE(temporal_ref(frame, p, history, want)) << what;
                ASSERT_TRUE(vktest::ran_near(runner_->temporal(frame, p, got), want, got,
                                             tol(1e-5f, 2e-3f), what));
            }
        }
    }
}

TEST_P(VkTemporalTest, StillNoiseIsDampedAndCutsReset) {
    // Behaviour a viewer sees, independent of the reference: on a still picture the output
    // moves less than the input; after a cut the output is the new frame.
    const TemporalParams p{0.6f, 0.03f, 0.25f};
    PlanarFrame a = vktest::make_frame(67, 43, Content::line_art, 11, false);
    PlanarFrame b = jitter(a, 12);
    vktest::quantize(a, GetParam());
    vktest::quantize(b, GetParam());
    PlanarFrame out_a, out_b, out_c;
    ASSERT_TRUE(runner_->temporal(a, p, out_a));
    ASSERT_TRUE(runner_->temporal(b, p, out_b));
    double in_change = 0, out_change = 0;
    for (int y = 0; y < 43; ++y) {
        for (int x = 0; x < 67; ++x) {
            in_change += std::fabs(b.g.row(y)[x] - a.g.row(y)[x]);
            out_change += std::fabs(out_b.g.row(y)[x] - out_a.g.row(y)[x]);
        }
    }
    EXPECT_LT(out_change, 0.6 * in_change);
    const PlanarFrame cut = vktest::make_frame(67, 43, Content::zeros, 0, false);
    ASSERT_TRUE(runner_->temporal(cut, p, out_c));
    EXPECT_TRUE(vktest::frames_near(cut, out_c, 0.0f, "after a scene cut"));
}

INSTANTIATE_TEST_SUITE_P(Precision, VkTemporalTest, vktest::both_precisions(),
                         vktest::precision_param_name);

}  // namespace
}  // namespace kizuna::stages
