// The Vulkan preview chain's planar Y'CbCr entry (process_yuv) against the reference chain's, for
// fp32 and fp16 storage, over 8/10 bits, 4:2:0 / 4:2:2 / 4:4:4, BT.601 / BT.709, limited / full
// range, odd sizes and frame sequences with temporal stabilization and a scene cut; and 10-bit
// input keeping more than 8 bits of precision through the chain.
// Tolerances per RGBA32F value: 7e-4 with fp32 storage (the RGBA chain's, preview_vk_test.cpp:
// the decode itself is within 2e-6 of the reference), 6e-3 with fp16 storage (the decoded frame
// is rounded to fp16 too, like every later stage's output). 10-bit ramp: within 2e-4 of the ramp
// with fp32 storage, 4e-4 with fp16 (its step at 0.3 is 2^-12 = 2.4e-4), both far below the
// 1.5e-3 that the same ramp in 8-bit codes misses it by (measured: 2.3e-5 fp32, 1.6e-4 fp16;
// 8-bit 3.1e-3). Measured on lavapipe: 2.9e-4 (fp32), 1e-3 (fp16)
// against the reference chain.
#include <fmt/format.h>

#include "chain_params.hpp"
#include "hybrid_test_support.hpp"
#include "kernel_check.hpp"
#include "stages/preview_backend.hpp"
#include "stages/vk/preview.hpp"
#include "vk_preview_fixture.hpp"
#include "vk_test_support.hpp"

namespace kizuna::stages {
namespace {

using namespace hybridtest;
using test::Tolerance;

class PreviewYuvVkChain : public vktest::VkPreviewChain {};

TEST_P(PreviewYuvVkChain, MatchesReferenceChain) {
    const SizeCase cases[] = {{1, 1, 2, 2}, {17, 9, 34, 18}, {33, 16, 50, 40}};
    uint32_t salt = 2000;
    for (const SizeCase& c : cases) {
        for (int corner = 0; corner < 2; ++corner) {
            PreviewParams p = chain_params(c.ow, c.oh, kBalancedEnhance);
            if (corner == 1) p.normalize.linear_light = true;
            const YuvFormat f = yuv_format(salt, ChromaLocation::center);
            const uint32_t seed = test::case_seed(++salt);
            chain_->reset_history();
            ASSERT_NO_FATAL_FAILURE(check_yuv_frames(*chain_, c, f, p, seed,
                                                     Tolerance{f16() ? 6e-3f : 7e-4f, 0.0f},
                                                     std::string(prec()) + " ", corner));
        }
    }
}

TEST_P(PreviewYuvVkChain, TenBitInputKeepsMoreThanEightBits) {
    const int w = 96, h = 8;
    PreviewParams p;
    p.upscale.out_width = 2 * w;
    p.upscale.out_height = 2 * h;
    for (int bits : {10, 8}) {
        const test::YuvPicture ramp = test::luma_ramp(w, h, bits);
        Image out = rgba32f(2 * w, 2 * h);
        ASSERT_TRUE(chain_->process_yuv(ramp.view, out.view(), p));
        const float worst = test::luma_ramp_error(out);
        if (bits == 10) {
            EXPECT_LT(worst, f16() ? 4e-4f : 2e-4f) << prec() << ": the 10-bit ramp lost precision";
        } else {
            EXPECT_GT(worst, 1.5e-3f) << prec() << ": the 8-bit ramp should show its steps";
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Precision, PreviewYuvVkChain, vktest::both_precisions(),
                         vktest::precision_param_name);

}  // namespace
}  // namespace kizuna::stages
