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

#include <cstring>

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
    struct Case {
        int w, h, ow, oh;
    };
    const Case cases[] = {{1, 1, 2, 2}, {17, 9, 34, 18}, {33, 16, 50, 40}};
    const ChromaSubsampling subs[] = {ChromaSubsampling::s420, ChromaSubsampling::s422,
                                      ChromaSubsampling::s444};
    uint32_t salt = 2000;
    for (const Case& c : cases) {
        for (int corner = 0; corner < 2; ++corner) {
            PreviewParams p;
            p.upscale.out_width = c.ow;
            p.upscale.out_height = c.oh;
            p.temporal_enabled = true;
            p.enhance = {0.1f, 0.2f, 1.05f, 0.3f};
            if (corner == 1) p.normalize.linear_light = true;
            const int bits = salt % 2 ? 10 : 8;
            const ChromaSubsampling sub = subs[salt % 3];
            ColorInfo color;
            color.matrix = salt % 2 ? ColorMatrix::bt709 : ColorMatrix::bt601;
            color.range = salt % 4 < 2 ? ColorRange::limited : ColorRange::full;
            color.chroma_location = salt % 3 ? ChromaLocation::left : ChromaLocation::center;
            const uint32_t seed = test::case_seed(++salt);
            auto ref = make_reference_preview();
            chain_->reset_history();
            for (int i = 0; i < 4; ++i) {
                const YuvPicture pic = yuv_scene(c.w, c.h, bits, sub, color, i, i >= 3, seed);
                Image want = rgba32f(c.ow, c.oh), got = rgba32f(c.ow, c.oh);
                ASSERT_TRUE(ref->process_yuv(pic.view, want.view(), p));
                auto r = chain_->process_yuv(pic.view, got.view(), p);
                ASSERT_TRUE(r) << r.error().message;
                EXPECT_TRUE(
                    images_match(got, want, Tolerance{f16() ? 6e-3f : 7e-4f, 0.0f},
                                 fmt::format("{} {}x{} -> {}x{} corner {} {}-bit sub {} frame {}{}",
                                             prec(), c.w, c.h, c.ow, c.oh, corner, bits,
                                             static_cast<int>(sub), i, test::seed_note(seed))));
            }
        }
    }
}

TEST_P(PreviewYuvVkChain, TenBitInputKeepsMoreThanEightBits) {
    const int w = 96, h = 8;
    PreviewParams p;
    p.upscale.out_width = 2 * w;
    p.upscale.out_height = 2 * h;
    for (int bits : {10, 8}) {
        // One code per pixel from 300 (10-bit) or its quarter (8-bit), neutral chroma.
        std::vector<std::byte> y(static_cast<size_t>(2 * w) * h), uv(static_cast<size_t>(w) * h);
        const size_t bps = bits > 8 ? 2 : 1;
        for (int row = 0; row < h; ++row) {
            for (int x = 0; x < w; ++x) {
                const uint16_t code = static_cast<uint16_t>(bits > 8 ? 300 + x : (300 + x) >> 2);
                std::memcpy(y.data() + (static_cast<size_t>(row) * w + x) * bps, &code, bps);
            }
        }
        for (size_t i = 0; i < uv.size() / bps; ++i) {
            const uint16_t mid = bits > 8 ? 512 : 128;
            std::memcpy(uv.data() + i * bps, &mid, bps);
        }
        YuvView in;
        in.y = y.data();
        in.u = in.v = uv.data();
        in.y_stride = static_cast<ptrdiff_t>(bps * w);
        in.u_stride = in.v_stride = static_cast<ptrdiff_t>(bps * (w / 2));
        in.width = w;
        in.height = h;
        in.bit_depth = bits;
        Image out = rgba32f(2 * w, 2 * h);
        ASSERT_TRUE(chain_->process_yuv(in, out.view(), p));
        float worst = 0.0f;
        for (int oy = 4; oy < 2 * h - 4; ++oy) {
            const float* row = out.view().row_as<const float>(oy);
            for (int ox = 16; ox < 2 * w - 16; ++ox) {
                const float s = (static_cast<float>(ox) + 0.5f) * 0.5f - 0.5f;
                const float want = (300.0f + s - 64.0f) / 876.0f;
                for (int c = 0; c < 3; ++c) {
                    worst = std::max(worst, std::fabs(row[4 * ox + c] - want));
                }
            }
        }
        if (bits == 10) {
            EXPECT_LT(worst, f16() ? 4e-4f : 2e-4f) << prec() << ": the 10-bit ramp lost precision";
        } else {
            EXPECT_GT(worst, 1.5e-3f) << prec() << ": the 8-bit ramp should show its steps";
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Precision, PreviewYuvVkChain,
                         testing::Values(gpu::StoragePrecision::f32, gpu::StoragePrecision::f16),
                         vktest::precision_param_name);

}  // namespace
}  // namespace kizuna::stages
