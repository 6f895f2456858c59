// The preview chain's planar Y'CbCr entry (PreviewBackend::process_yuv) on the reference and the
// fast CPU backends:
//  - the Y'CbCr chain is the RGBA chain fed the reference's own decoded RGB (normalize_yuv_ref,
//    as RGBA32F, which holds it exactly): bit for bit on both backends, since both decode
//    exactly as the reference does (normalize.hpp) and the rest of the chain is the same;
//  - the CPU Y'CbCr chain against the reference's over 8/10 bits, 4:2:0 / 4:2:2 / 4:4:4, BT.601 /
//    BT.709, odd sizes and frame sequences with temporal stabilization: 2e-3 per RGBA32F value,
//    the preview chain's tolerance (preview_cpu_test.cpp; measured 2.9e-4);
//  - 10-bit input keeps more than 8 bits of precision through the chain (no banding to 8 bits).
#include <gtest/gtest.h>

#include <string>

#include <fmt/format.h>

#include "chain_params.hpp"
#include "hybrid_test_support.hpp"
#include "kernel_check.hpp"
#include "stages/preview_backend.hpp"

namespace kizuna::stages {
namespace {

using namespace hybridtest;
using test::Tolerance;

PreviewParams params_for(int corner, int ow, int oh) {
    PreviewParams p = chain_params(ow, oh, kBalancedEnhance);
    if (corner == 1) {
        p.normalize.denoise_strength = 0.5f;  // denoise on the decoded picture
        p.enhance = {0.5f, 0.5f, 1.5f, 1.0f};
    } else if (corner == 2) {
        p.upscale_enabled = false;
        p.enhance_enabled = false;
    }
    return p;
}

ColorInfo color_of(ColorMatrix m, ColorRange r, ChromaLocation l) {
    ColorInfo c;
    c.matrix = m;
    c.range = r;
    c.chroma_location = l;
    return c;
}

TEST(PreviewYuvChain, IsTheRgbaChainOfTheReferenceDecode) {
    const int w = 27, h = 17;
    uint32_t salt = 10;
    for (int corner = 0; corner < 3; ++corner) {
        for (int bits : {8, 10}) {
            const PreviewParams p = params_for(corner, 2 * w + (corner == 2), 2 * h);
            const int ow = p.upscale.out_width, oh = p.upscale.out_height;
            auto yuv_ref = make_reference_preview();
            auto rgba_ref = make_reference_preview();
            auto yuv_cpu = make_cpu_preview(2);
            auto rgba_cpu = make_cpu_preview(2);
            const uint32_t seed = test::case_seed(++salt);
            for (int i = 0; i < 4; ++i) {
                const YuvPicture pic = yuv_scene(
                    w, h, bits, ChromaSubsampling::s420,
                    color_of(ColorMatrix::bt709, ColorRange::limited, ChromaLocation::center), i,
                    i >= 3, seed);
                // The reference decode, as RGBA32F with alpha 1.
                PlanarFrame decoded;
                ASSERT_TRUE(normalize_yuv_ref(pic.view, NormalizeParams{}, decoded));
                Image rgba = rgba32f(w, h);
                for (int y = 0; y < h; ++y) {
                    float* row = rgba.view().row_as<float>(y);
                    for (int x = 0; x < w; ++x) {
                        row[4 * x] = decoded.r.row(y)[x];
                        row[4 * x + 1] = decoded.g.row(y)[x];
                        row[4 * x + 2] = decoded.b.row(y)[x];
                        row[4 * x + 3] = 1.0f;
                    }
                }
                Image a = rgba32f(ow, oh), b = rgba32f(ow, oh), c = rgba32f(ow, oh),
                      d = rgba32f(ow, oh);
                ASSERT_TRUE(yuv_ref->process_yuv(pic.view, a.view(), p));
                ASSERT_TRUE(rgba_ref->process(rgba.view(), b.view(), p));
                ASSERT_TRUE(yuv_cpu->process_yuv(pic.view, c.view(), p));
                ASSERT_TRUE(rgba_cpu->process(rgba.view(), d.view(), p));
                const std::string what = fmt::format("corner {} {}-bit frame {}{}", corner, bits, i,
                                                     test::seed_note(seed));
                EXPECT_TRUE(images_match(a, b, Tolerance{}, "reference " + what));
                EXPECT_TRUE(images_match(c, d, Tolerance{}, "cpu " + what));
            }
        }
    }
}

TEST(PreviewYuvChain, CpuMatchesReference) {
    const SizeCase cases[] = {{1, 1, 2, 2}, {17, 9, 34, 18}, {33, 16, 50, 40}, {67, 43, 134, 86}};
    uint32_t salt = 100;
    for (const SizeCase& c : cases) {
        for (int corner = 0; corner < 3; ++corner) {
            const PreviewParams p = params_for(corner, c.ow, c.oh);
            const YuvFormat f = yuv_format(salt, ChromaLocation::top_left);
            const uint32_t seed = test::case_seed(++salt);
            auto cpu = make_cpu_preview(1 + static_cast<int>(salt % 3));
            ASSERT_NO_FATAL_FAILURE(
                check_yuv_frames(*cpu, c, f, p, seed, Tolerance{2e-3f, 0.0f}, "", corner));
        }
    }
}

// A luma ramp of one 10-bit code per pixel (neutral chroma, limited range), through the whole
// chain at x2 with neutral enhancement: the output follows the ramp within 2e-4 (a fifth of a
// 10-bit step, a tenth of an 8-bit one), away from the edges. The same ramp given as 8-bit codes
// (the 10-bit code / 4) misses it by more than 1.5e-3: the check sees 8-bit banding. Measured:
// 2.3e-5 (10-bit), 3.1e-3 (8-bit).
TEST(PreviewYuvChain, TenBitInputKeepsMoreThanEightBits) {
    const int w = 96, h = 8;
    PreviewParams p;
    p.upscale.out_width = 2 * w;
    p.upscale.out_height = 2 * h;
    p.temporal_enabled = true;
    for (bool cpu : {false, true}) {
        for (int bits : {10, 8}) {
            const test::YuvPicture ramp = test::luma_ramp(w, h, bits);
            auto chain = cpu ? make_cpu_preview(2) : make_reference_preview();
            Image out = rgba32f(2 * w, 2 * h);
            ASSERT_TRUE(chain->process_yuv(ramp.view, out.view(), p));
            const float worst = test::luma_ramp_error(out);
            const char* who = cpu ? "cpu" : "reference";
            if (bits == 10) {
                EXPECT_LT(worst, 2e-4f) << who << ": the 10-bit ramp lost precision";
            } else {
                EXPECT_GT(worst, 1.5e-3f) << who << ": the 8-bit ramp should show its steps";
            }
        }
    }
}

TEST(PreviewYuvChain, RejectsBadInput) {
    PreviewParams p;
    p.upscale.out_width = 8;
    p.upscale.out_height = 8;
    for (bool cpu : {false, true}) {
        auto chain = cpu ? make_cpu_preview(1) : make_reference_preview();
        Image out = rgba32f(8, 8);
        YuvView empty_planes;
        empty_planes.width = 4;
        empty_planes.height = 4;
        auto r = chain->process_yuv(empty_planes, out.view(), p);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, Errc::invalid_argument);
        const YuvPicture pic = yuv_scene(4, 4, 8, ChromaSubsampling::s420, {}, 0, 0, 1);
        Image wrong = rgba32f(6, 8);
        r = chain->process_yuv(pic.view, wrong.view(), p);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, Errc::invalid_argument);
        EXPECT_TRUE(chain->process_yuv(pic.view, out.view(), p));
    }
}

}  // namespace
}  // namespace kizuna::stages
