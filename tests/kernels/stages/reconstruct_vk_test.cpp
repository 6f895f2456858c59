// Stage 2 on Vulkan against reconstruct_ref: gradients within 1e-5 (fp32 arithmetic on the same
// fp32 luma; inputs are rounded to fp16 first for the fp16 instance so both sides see the same
// picture), and the class map identical, on odd sizes, random / zero / one / line-art content
// and threshold corners. Disabled: zero gradients and all flat.
#include <fmt/format.h>

#include "stages/planar.hpp"
#include "stages/reconstruct.hpp"
#include "stages/ref/reconstruct.hpp"
#include "vk_test_support.hpp"

namespace kizuna::stages {
namespace {

using vktest::Content;

class VkReconstructTest : public vktest::VkStageTest {};

testing::AssertionResult classes_equal(const FeatureMap& want, const FeatureMap& got,
                                       const std::string& what) {
    int mismatches = 0, fx = -1, fy = -1;
    for (int y = 0; y < want.height(); ++y) {
        for (int x = 0; x < want.width(); ++x) {
            if (want.cls_row(y)[x] != got.cls_row(y)[x]) {
                if (mismatches++ == 0) {
                    fx = x;
                    fy = y;
                }
            }
        }
    }
    if (mismatches == 0) return testing::AssertionSuccess();
    return testing::AssertionFailure()
           << what << ": " << mismatches << " class mismatches, first at (" << fx << ", " << fy
           << "): reference " << int{want.cls_row(fy)[fx]} << ", vulkan "
           << int{got.cls_row(fy)[fx]};
}

TEST_P(VkReconstructTest, MatchesReference) {
    const ReconstructParams corners[] = {
        {0.06f, 0.04f}, {0.0f, 0.0f}, {1.0f, 1.0f}, {0.02f, 0.01f}};
    uint32_t seed = 2000;
    for (const auto size : vktest::kSizes) {
        for (Content content :
             {Content::random, Content::zeros, Content::ones, Content::line_art}) {
            for (const ReconstructParams& p : corners) {
                ++seed;
                const std::string what = fmt::format(
                    "reconstruct {} {}x{} {} edge={} line={} seed={}",
                    vktest::precision_name(GetParam()), size.w, size.h,
                    vktest::content_name(content), p.edge_threshold, p.line_threshold, seed);
                PlanarFrame in = vktest::make_frame(size.w, size.h, content, seed, false);
                vktest::quantize(in, GetParam());
                FeatureMap want, got;
                ASSERT_TRUE(reconstruct_ref(in, p, want)) << what;
                auto r = runner_->reconstruct(in, p, true, got);
                ASSERT_TRUE(r) << what << ": " << r.error().message;
                ASSERT_TRUE(vktest::planes_near(want.gx, got.gx, 1e-5f, "gx", what));
                ASSERT_TRUE(vktest::planes_near(want.gy, got.gy, 1e-5f, "gy", what));
                ASSERT_TRUE(vktest::planes_near(want.magnitude, got.magnitude, 1e-5f, "mag", what));
                ASSERT_TRUE(classes_equal(want, got, what));
            }
        }
    }
}

TEST_P(VkReconstructTest, LineArtFindsEveryClass) {
    // Guards the test above against a picture that never exercises a class.
    PlanarFrame in = vktest::make_frame(67, 43, Content::line_art, 7, false);
    vktest::quantize(in, GetParam());
    FeatureMap got;
    ASSERT_TRUE(runner_->reconstruct(in, {0.06f, 0.04f}, true, got));
    int counts[4] = {};
    for (int y = 0; y < got.height(); ++y) {
        for (int x = 0; x < got.width(); ++x) ++counts[got.cls_row(y)[x] & 3];
    }
    EXPECT_GT(counts[0], 0) << "flat";
    EXPECT_GT(counts[1], 0) << "edge";
    EXPECT_GT(counts[2], 0) << "line art";
    PlanarFrame noise = vktest::make_frame(67, 43, Content::random, 8, false);
    vktest::quantize(noise, GetParam());
    ASSERT_TRUE(runner_->reconstruct(noise, {0.9f, 1.0f}, true, got));
    int texture = 0;
    for (int y = 0; y < got.height(); ++y) {
        for (int x = 0; x < got.width(); ++x) texture += got.cls_row(y)[x] == 3 ? 1 : 0;
    }
    EXPECT_GT(texture, 0) << "texture";
}

TEST_P(VkReconstructTest, DisabledIsFlatWithZeroGradients) {
    PlanarFrame in = vktest::make_frame(17, 9, Content::line_art, 3, false);
    FeatureMap want, got;
    ASSERT_TRUE(reconstruct_disabled(17, 9, want));
    ASSERT_TRUE(runner_->reconstruct(in, {}, false, got));
    EXPECT_TRUE(vktest::planes_near(want.gx, got.gx, 0.0f, "gx", "disabled"));
    EXPECT_TRUE(vktest::planes_near(want.magnitude, got.magnitude, 0.0f, "mag", "disabled"));
    EXPECT_TRUE(classes_equal(want, got, "disabled"));
}

INSTANTIATE_TEST_SUITE_P(Precision, VkReconstructTest, vktest::both_precisions(),
                         vktest::precision_param_name);

}  // namespace
}  // namespace kizuna::stages
