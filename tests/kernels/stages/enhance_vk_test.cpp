// Stage 4 on Vulkan against enhance_ref: identity, each step at its extreme, everything
// at once, gamma and linear input, and a class map of another size (stage 2 runs before the
// upscale) on odd sizes and random / zero / one / line-art content.
// Tolerance: 1e-4 with fp32 storage (pow/cbrt differ by a few ULP), 2e-3 with fp16 storage
// (the output is rounded to fp16).
#include <fmt/format.h>

#include "stages/planar.hpp"
#include "stages/ref/enhance.hpp"
#include "stages/ref/reconstruct.hpp"
#include "vk_test_support.hpp"

namespace kizuna::stages {
namespace {

using vktest::Content;

class VkEnhanceTest : public vktest::VkStageTest {};

TEST_P(VkEnhanceTest, MatchesReference) {
    const EnhanceParams corners[] = {
        {0.0f, 0.0f, 1.0f, 0.0f},  // identity
        {1.0f, 0.0f, 1.0f, 0.0f},  // contrast
        {0.0f, 1.0f, 1.0f, 0.0f},  // line darkening
        {0.0f, 0.0f, 0.0f, 0.0f},  // grey
        {0.0f, 0.0f, 2.0f, 0.0f},  // double chroma
        {0.0f, 0.0f, 1.0f, 2.0f},  // sharpen
        {0.3f, 0.5f, 1.3f, 0.7f},  // everything
    };
    uint32_t seed = 4000;
    for (const auto size : vktest::kSizes) {
        // The class map comes from a picture at about half the size (as in the chain).
        const int fw = std::max(1, size.w / 2), fh = std::max(1, size.h / 2);
        for (Content content :
             {Content::line_art, Content::random, Content::zeros, Content::ones}) {
            for (const EnhanceParams& p : corners) {
                for (bool linear : {false, true}) {
                    ++seed;
                    const std::string what = fmt::format(
                        "enhance {} {}x{} (classes {}x{}) {} contrast={} line_darken={} "
                        "saturation={} sharpen={} linear={} seed={}",
                        vktest::precision_name(GetParam()), size.w, size.h, fw, fh,
                        vktest::content_name(content), p.contrast, p.line_darken, p.saturation,
                        p.sharpen, linear, seed);
                    PlanarFrame in = vktest::make_frame(size.w, size.h, content, seed,
                                                        content == Content::random);
                    vktest::quantize(in, GetParam());
                    const PlanarFrame small =
                        vktest::make_frame(fw, fh, Content::line_art, seed, false);
                    FeatureMap features;
                    ASSERT_TRUE(reconstruct_ref(small, ReconstructParams{}, features));
                    PlanarFrame want, got;
                    ASSERT_TRUE(enhance_ref(in, &features, p, linear, want)) << what;
                    ASSERT_TRUE(vktest::ran_near(runner_->enhance(in, features, p, linear, got),
                                                 want, got, tol(1e-4f, 2e-3f), what));
                }
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Precision, VkEnhanceTest, vktest::both_precisions(),
                         vktest::precision_param_name);

}  // namespace
}  // namespace kizuna::stages
