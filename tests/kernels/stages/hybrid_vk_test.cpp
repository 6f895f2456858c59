// The hybrid chain on Vulkan (hybrid_begin / hybrid_finish of the Vulkan preview backend, for fp32
// and fp16 storage), checked against the same chain's process(), the test's oracle assembled from
// the stage references (hybrid_test_support.hpp) and the reference backend's hybrid chain, over
// frame sequences with temporal stabilization and a scene cut. Input is RGBA16F, so fp16 storage
// holds the normalized picture exactly and both sides classify the same pixels.
//
// Tolerances per RGBA32F value, those of the Vulkan preview chain (preview_vk_test.cpp): 7e-4
// with fp32 storage, 6e-3 with fp16 (every stage's output, and here the AI picture, is rounded
// to fp16). Strength 0 against process() and alpha against the preview's: bit for bit. The
// model's input: exact for a gamma-encoded chain (the RGBA16F input decodes exactly at either
// precision); for a linear-light chain 1e-4 (fp32: the device's pow is a few ULP off the
// host's, and the encode's slope near black multiplies it) and 6e-4 (fp16: the linear frame is
// stored in fp16, a relative 2^-11 that the encode turns into at most 2.2e-4, plus the same).
// Measured on lavapipe (worst over the cases): fp32 2.9e-4, fp16 4.9e-3; linear model input
// 1.8e-7 (fp32), 1.4e-4 (fp16).
#include <fmt/format.h>

#include <cstring>

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

class HybridVkChain : public vktest::VkPreviewChain {
protected:
    Tolerance tol() const { return Tolerance{f16() ? 6e-3f : 7e-4f, 0.0f}; }
};

// 0 "balanced" x2; 1 linear light (denoise only with fp32 storage: in fp16 its rounded output
// feeds stage 2, so classes may flip against the reference); 2 stage 3 off at a size that is not
// x2.
PreviewParams corner_params(int corner, int ow, int oh, bool f16) {
    PreviewParams p = chain_params(ow, oh, kBalancedEnhance);
    if (corner == 1) {
        p.normalize = {f16 ? 0.0f : 0.4f, 2, true};
        p.enhance = {0.5f, 0.3f, 1.2f, 1.0f};
    } else if (corner == 2) {
        p.upscale_enabled = false;
        p.upscale.anti_ringing = 0.5f;
    }
    return p;
}

Image cartoon16(int w, int h, int index, int scene, uint32_t seed, bool alpha) {
    return cartoon(w, h, index, scene, seed, alpha, PixelFormat::rgba16f);
}

// Strength 0 (or no AI picture) is process() bit for bit, with the history carried across
// process() and hybrid calls: the same chain runs the frames once through process() and, after
// reset_history(), once more through the hybrid entry points (frame 2 through process()).
TEST_P(HybridVkChain, StrengthZeroIsThePreviewByteForByte) {
    const int w = 21, h = 13;
    for (int corner = 0; corner < 3; ++corner) {
        const int ow = corner == 2 ? 2 * w + 3 : 2 * w, oh = corner == 2 ? 2 * h - 1 : 2 * h;
        const PreviewParams p = corner_params(corner, ow, oh, f16());
        const uint32_t seed = test::case_seed(1100 + corner);
        std::vector<Image> want;
        chain_->reset_history();
        for (int i = 0; i < 5; ++i) {
            want.push_back(rgba32f(ow, oh));
            const Image in = cartoon16(w, h, i, i >= 3, seed, corner == 1);
            ASSERT_TRUE(chain_->process(in.view(), want.back().view(), p));
        }
        chain_->reset_history();
        for (int i = 0; i < 5; ++i) {
            const Image in = cartoon16(w, h, i, i >= 3, seed, corner == 1);
            Image got = rgba32f(ow, oh);
            const TestTensor ai = ai_picture(2 * ow, oh, i, 0, seed + i, true);
            TestTensor model_input(w, h);
            const bool empty_ai = i % 2 == 1;
            if (i == 2) {
                ASSERT_TRUE(chain_->process(in.view(), got.view(), p));
            } else {
                ASSERT_TRUE(chain_->hybrid_begin(in.view(), model_input.view(), p));
                auto r = chain_->hybrid_finish(empty_ai ? ConstTensorView{} : ai.cview(),
                                               empty_ai ? 1.0f : 0.0f, got.view(), p);
                ASSERT_TRUE(r) << r.error().message;
            }
            EXPECT_TRUE(bits_equal(want[i], got))
                << prec() << " corner " << corner << " frame " << i << test::seed_note(seed);
        }
    }
}

// Planar Y'CbCr input: hybrid_begin_yuv + hybrid_finish at strength 0 is process_yuv() bit for
// bit, and the model's input is the gamma encode of the reference's decode (within the decode's
// tolerance, normalize_yuv_vk_test.cpp: 2e-6 fp32, 3e-4 fp16, here through the encode: 1e-4 /
// 6e-4).
TEST_P(HybridVkChain, YuvStrengthZeroIsThePreviewByteForByte) {
    const int w = 21, h = 15;
    for (bool linear : {false, true}) {
        PreviewParams p = corner_params(0, 2 * w, 2 * h, f16());
        p.normalize.linear_light = linear;
        std::vector<Image> want;
        chain_->reset_history();
        for (int i = 0; i < 4; ++i) {
            const YuvPicture pic = yuv_scene(w, h, 10, ChromaSubsampling::s420, {}, i, i >= 3, 5);
            want.push_back(rgba32f(2 * w, 2 * h));
            ASSERT_TRUE(chain_->process_yuv(pic.view, want.back().view(), p));
        }
        chain_->reset_history();
        for (int i = 0; i < 4; ++i) {
            const YuvPicture pic = yuv_scene(w, h, 10, ChromaSubsampling::s420, {}, i, i >= 3, 5);
            Image got = rgba32f(2 * w, 2 * h);
            TestTensor model_input(w, h, 2);
            ASSERT_TRUE(chain_->hybrid_begin_yuv(pic.view, model_input.view(), p));
            ASSERT_TRUE(chain_->hybrid_finish({}, 0.0f, got.view(), p));
            EXPECT_TRUE(bits_equal(want[i], got))
                << prec() << " linear " << linear << " frame " << i;
            RefFront front;
            front.run(pic.view, p);
            EXPECT_TRUE(test::compare_values(
                model_input.values(), expected_model_input(front.normalized, linear).values(),
                Tolerance{f16() ? 6e-4f : 1e-4f, 0.0f}, test::Layout{w, h},
                fmt::format("{} linear {} model input of Y'CbCr frame {}", prec(), linear, i)));
            EXPECT_TRUE(model_input.padding_untouched());
        }
    }
}

// The reference's stage 3 upscale of the same frame given as the AI picture at strength 1 is
// enhanced like the preview's own.
TEST_P(HybridVkChain, ShaderUpscaleAsAiEnhancesLikeThePreview) {
    const int w = 23, h = 15;
    const PreviewParams p = corner_params(0, 2 * w, 2 * h, f16());
    const uint32_t seed = test::case_seed(1200);
    std::vector<Image> want;
    chain_->reset_history();
    for (int i = 0; i < 4; ++i) {
        want.push_back(rgba32f(2 * w, 2 * h));
        const Image in = cartoon16(w, h, i, i >= 3, seed, false);
        ASSERT_TRUE(chain_->process(in.view(), want.back().view(), p));
    }
    chain_->reset_history();
    for (int i = 0; i < 4; ++i) {
        const Image in = cartoon16(w, h, i, i >= 3, seed, false);
        RefFront front;
        front.run(in.view(), p);
        const TestTensor shader = to_tensor(front.upscaled(p));
        Image got = rgba32f(2 * w, 2 * h);
        ASSERT_TRUE(run_hybrid(*chain_, in, shader.cview(), 1.0f, got.view(), p));
        EXPECT_TRUE(images_match(got, want[i], tol(),
                                 fmt::format("{} frame {}{}", prec(), i, test::seed_note(seed))));
    }
}

// Blend and resample against the oracle of stage references: s * AI + (1 - s) * stage 3, the AI
// picture brought to the output size by the anti-ringing resampler when it has another size
// (x4 for a x2 output, odd, smaller), decoded to linear light in a linear chain.
TEST_P(HybridVkChain, BlendAndResampleMatchTheReferenceStages) {
    const int w = 19, h = 13;
    const int ow = 2 * w, oh = 2 * h;
    const AiStep steps[] = {{ow, oh, 0.5f},
                            {4 * w, 4 * h, 1.0f},
                            {4 * w, 4 * h, 0.3f},
                            {3 * w + 1, 3 * h - 2, 0.8f},
                            {w, h, 1.0f}};
    for (int corner : {0, 1}) {
        const PreviewParams p = corner_params(corner, ow, oh, f16());
        RefTail oracle;
        chain_->reset_history();
        const uint32_t seed = test::case_seed(1300 + corner);
        for (int i = 0; i < 5; ++i) {
            const AiStep& st = steps[i];
            const Image in = cartoon16(w, h, i, i >= 3, seed, false);
            const TestTensor ai = ai_picture(st.aw, st.ah, i, i >= 3, seed + i, i % 2 == 0, 5);
            const Image want = expected_hybrid(oracle, in, ai, st.strength, p);
            Image got = rgba32f(ow, oh);
            ASSERT_TRUE(run_hybrid(*chain_, in, ai.cview(), st.strength, got.view(), p));
            EXPECT_TRUE(images_match(
                got, want, tol(),
                fmt::format("{} corner {} frame {} AI {}x{} strength {}{}", prec(), corner, i,
                            st.aw, st.ah, st.strength, test::seed_note(seed))));
        }
    }
}

TEST_P(HybridVkChain, ModelInputIsTheGammaEncodedNormalizedFrame) {
    struct Case {
        int w, h, corner;
    };
    const Case cases[] = {{1, 1, 0}, {17, 5, 0}, {33, 4, 1}, {67, 7, 1}};
    for (const Case& c : cases) {
        PreviewParams p = corner_params(c.corner, 2 * c.w, 2 * c.h, f16());
        p.normalize.denoise_strength = 0.0f;
        const bool linear = is_linear(p);
        const uint32_t seed = test::case_seed(1400 + static_cast<uint32_t>(c.w));
        const Image in = cartoon16(c.w, c.h, 0, 0, seed, c.w % 2 == 1);
        RefFront front;
        front.run(in.view(), p);
        const TestTensor want = expected_model_input(front.normalized, linear);
        TestTensor got(c.w, c.h, 11);
        ASSERT_TRUE(chain_->hybrid_begin(in.view(), got.view(), p));
        const Tolerance t = !linear ? Tolerance{} : Tolerance{f16() ? 6e-4f : 1e-4f, 0.0f};
        const std::string what =
            fmt::format("{} {}x{} linear {}{}", prec(), c.w, c.h, linear, test::seed_note(seed));
        EXPECT_TRUE(
            test::compare_values(got.values(), want.values(), t, test::Layout{c.w, c.h}, what));
        EXPECT_TRUE(got.padding_untouched()) << what << ": wrote between the planes";
    }
}

TEST_P(HybridVkChain, AlphaIsThePreviewsAlpha) {
    const int w = 18, h = 11;
    for (int corner : {0, 2}) {
        const int ow = corner == 2 ? 2 * w + 3 : 2 * w, oh = corner == 2 ? 2 * h - 1 : 2 * h;
        const PreviewParams p = corner_params(corner, ow, oh, f16());
        const uint32_t seed = test::case_seed(1500 + corner);
        const float strengths[] = {1.0f, 0.5f};
        for (int i = 0; i < 2; ++i) {
            const Image in = cartoon16(w, h, i, 0, seed, true);
            const TestTensor ai = ai_picture(ow + i, oh, i, 1, seed + i, true);
            Image want = rgba32f(ow, oh), got = rgba32f(ow, oh);
            ASSERT_TRUE(chain_->process(in.view(), want.view(), p));
            ASSERT_TRUE(run_hybrid(*chain_, in, ai.cview(), strengths[i], got.view(), p));
            for (int y = 0; y < oh; ++y) {
                for (int x = 0; x < ow; ++x) {
                    const float a = want.view().row_as<const float>(y)[4 * x + 3];
                    const float b = got.view().row_as<const float>(y)[4 * x + 3];
                    ASSERT_EQ(std::memcmp(&a, &b, sizeof(float)), 0)
                        << prec() << " corner " << corner << " frame " << i << " at (" << x << ", "
                        << y << "): preview alpha " << a << ", hybrid " << b;
                }
            }
        }
    }
}

// The Vulkan hybrid chain against the reference backend's, on odd sizes, AI sizes and strengths,
// with alpha and a scene cut.
TEST_P(HybridVkChain, MatchesReferenceHybridOnOddSizes) {
    const SizeCase cases[] = {{1, 1, 2, 2}, {17, 9, 34, 18}, {33, 16, 70, 31}};
    uint32_t salt = 1600;
    for (const SizeCase& c : cases) {
        for (int corner = 0; corner < 3; ++corner) {
            const PreviewParams p = corner_params(corner, c.ow, c.oh, f16());
            const uint32_t seed = test::case_seed(++salt);
            auto ref = make_reference_preview();
            chain_->reset_history();
            const bool alpha = salt % 2 == 0;
            const int ai_sizes[][2] = {
                {c.ow, c.oh}, {2 * c.ow, 2 * c.oh}, {c.ow + 3, std::max(c.oh - 1, 1)}, {c.w, c.h}};
            const float strengths[] = {0.3f, 1.0f, 0.0f, 1.0f};
            for (int i = 0; i < 4; ++i) {
                const Image in = cartoon16(c.w, c.h, i, i >= 3, seed, alpha);
                const TestTensor ai =
                    ai_picture(ai_sizes[i][0], ai_sizes[i][1], i, i >= 3, seed + i, true);
                Image want = rgba32f(c.ow, c.oh), got = rgba32f(c.ow, c.oh);
                ASSERT_TRUE(run_hybrid(*ref, in, ai.cview(), strengths[i], want.view(), p));
                ASSERT_TRUE(run_hybrid(*chain_, in, ai.cview(), strengths[i], got.view(), p));
                EXPECT_TRUE(images_match(
                    got, want, tol(),
                    fmt::format("{} in {}x{} out {}x{} corner {} frame {} AI {}x{} strength {}{}",
                                prec(), c.w, c.h, c.ow, c.oh, corner, i, ai.width, ai.height,
                                strengths[i], test::seed_note(seed))));
            }
        }
    }
}

// Once sizes are stable the hybrid frames allocate no buffer and create no pipeline or set.
TEST_P(HybridVkChain, SteadyStateAllocatesNothing) {
    const int w = 17, h = 9;
    const PreviewParams p = corner_params(0, 2 * w, 2 * h, f16());
    Image out = rgba32f(2 * w, 2 * h);
    vk::VkPreviewStats first;
    for (int i = 0; i < 6; ++i) {
        const Image in = cartoon16(w, h, i, 0, 1, false);
        const TestTensor ai = ai_picture(4 * w, 4 * h, i, 0, 2, false);
        TestTensor model_input(w, h);
        ASSERT_TRUE(chain_->hybrid_begin(in.view(), model_input.view(), p));
        ASSERT_TRUE(chain_->hybrid_finish(ai.cview(), i % 2 ? 1.0f : 0.5f, out.view(), p));
        if (i == 3) first = chain_->stats();
    }
    const vk::VkPreviewStats later = chain_->stats();
    EXPECT_EQ(later.buffer_allocations, first.buffer_allocations);
    EXPECT_EQ(later.pipelines, first.pipelines);
    EXPECT_EQ(later.descriptor_sets, first.descriptor_sets);
    const StageTimings t = chain_->last_timings();
    EXPECT_GE(t.ai_resample_ms, 0.0);
    EXPECT_GE(t.model_input_ms, 0.0);
}

INSTANTIATE_TEST_SUITE_P(Precision, HybridVkChain, vktest::both_precisions(),
                         vktest::precision_param_name);

}  // namespace
}  // namespace kizuna::stages
