// Stage 3 on Vulkan against upscale_ref (enabled) and plain_resample_ref (disabled): x2 only,
// x2 then resample, x4 (two x2 steps with recomputed gradients), x1, shrinking, 1x1 sources;
// anti-ringing and edge-sharpness corners. The features are the reference's stage 2 output of
// the same picture, so the steering sees real edges.
// Tolerance: 1e-4 with fp32 storage; 4e-3 with fp16 storage (intermediate x2 results are
// stored as fp16, and the second step's gradients are taken from those rounded values).
#include <fmt/format.h>

#include "stages/planar.hpp"
#include "stages/ref/reconstruct.hpp"
#include "stages/ref/upscale.hpp"
#include "vk_test_support.hpp"

namespace kizuna::stages {
namespace {

using vktest::Content;

class VkUpscaleTest : public vktest::VkStageTest {};

struct Case {
    int in_w, in_h, out_w, out_h;
};

TEST_P(VkUpscaleTest, MatchesReference) {
    const Case cases[] = {
        {67, 43, 134, 86},  // one x2 step, no resample
        {67, 43, 150, 97},  // x2 then lanczos3 to a non-multiple
        {17, 9, 68, 36},    // two x2 steps
        {17, 9, 17, 9},     // same size: clamped copy
        {17, 9, 10, 5},     // shrinking: resample only
        {1, 1, 2, 2},      {1, 1, 3, 3},
    };
    const std::pair<float, float> corners[] = {{1.0f, 1.0f}, {0.0f, 0.0f}, {0.5f, 2.0f}};
    uint32_t seed = 3000;
    for (const Case& c : cases) {
        for (Content content :
             {Content::line_art, Content::random, Content::zeros, Content::ones}) {
            for (auto [anti_ringing, sharpness] : corners) {
                for (bool enabled : {true, false}) {
                    ++seed;
                    UpscaleParams p;
                    p.anti_ringing = anti_ringing;
                    p.edge_sharpness = sharpness;
                    p.out_width = c.out_w;
                    p.out_height = c.out_h;
                    const std::string what = fmt::format(
                        "upscale {} {}x{} -> {}x{} {} anti_ringing={} edge_sharpness={} "
                        "enabled={} seed={}",
                        vktest::precision_name(GetParam()), c.in_w, c.in_h, c.out_w, c.out_h,
                        vktest::content_name(content), anti_ringing, sharpness, enabled, seed);
                    // Alpha only on random content (exercises the alpha path, keeps others opaque).
                    PlanarFrame in = vktest::make_frame(c.in_w, c.in_h, content, seed,
                                                        content == Content::random);
                    vktest::quantize(in, GetParam());
                    FeatureMap features;
                    ASSERT_TRUE(reconstruct_ref(in, ReconstructParams{}, features));
                    PlanarFrame want, got;
                    if (enabled) {
                        ASSERT_TRUE(upscale_ref(in, features, p, want)) << what;
                    } else {
                        ASSERT_TRUE(plain_resample_ref(in, p, want)) << what;
                    }
                    ASSERT_TRUE(vktest::ran_near(runner_->upscale(in, features, p, enabled, got),
                                                 want, got, tol(1e-4f, 4e-3f), what));
                }
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Precision, VkUpscaleTest, vktest::both_precisions(),
                         vktest::precision_param_name);

}  // namespace
}  // namespace kizuna::stages
