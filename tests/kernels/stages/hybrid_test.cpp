// The hybrid chain (PreviewBackend::hybrid_begin / hybrid_finish, hybrid.hpp) on the reference and
// the fast CPU backends, checked against the preview chain of the same backend and against the
// test's own oracle assembled from the stage references (hybrid_test_support.hpp), over frame
// sequences with temporal stabilization and a scene cut.
//
// Tolerances per RGBA32F value: against the oracle of stage references, 0 on the reference
// backend (the same float operations in the same order) and 2e-3 on the CPU backend (its fast
// stages' own tolerances added up through sharpening and temporal blending, as in
// preview_cpu_test.cpp). Equality with process() at strength 0 and of alpha is bit for bit on
// both. The model's input: exact for a gamma-encoded chain without denoise (decode and clamp are
// exact on both); 2e-4 on the CPU for a linear-light chain (the fast normalize decodes sRGB within
// 1e-5, which the encode's slope of up to 12.92 near black turns into at most 1.3e-4).
// Measured (worst over the cases): CPU chain 4.9e-4 against the oracle, 1e-5 against the
// reference hybrid chain; linear model input 2.4e-7.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
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

enum class Kind { reference, cpu };

std::unique_ptr<PreviewBackend> make(Kind kind) {
    return kind == Kind::reference ? make_reference_preview() : make_cpu_preview(2);
}

// Stage parameter corners: 0 "balanced" (x2, the CPU's fused route), 1 linear light with denoise
// and sharpening, 2 stage 3 disabled at a size that is not x2, 3 extreme enhancement.
PreviewParams corner_params(int corner, int ow, int oh) {
    PreviewParams p = chain_params(ow, oh, kBalancedEnhance);
    switch (corner) {
        case 1:
            p.normalize = {0.4f, 2, true};
            p.enhance = {0.5f, 0.3f, 1.2f, 1.0f};
            break;
        case 2:
            p.upscale_enabled = false;
            p.upscale.anti_ringing = 0.5f;
            break;
        case 3:
            p.enhance = {1.0f, 1.0f, 2.0f, 2.0f};
            p.temporal = {1.0f, 1.0f, 1.0f};
            break;
        default:
            break;
    }
    return p;
}

// A corner's parameters for a w x h input: output x2, except corner 2 ((2w + 3) x (2h - 1)).
PreviewParams corner_params_for_input(int corner, int w, int h) {
    return corner == 2 ? corner_params(corner, 2 * w + 3, 2 * h - 1)
                       : corner_params(corner, 2 * w, 2 * h);
}

class HybridChain : public testing::TestWithParam<Kind> {
protected:
    bool ref() const { return GetParam() == Kind::reference; }
    Tolerance tol() const { return ref() ? Tolerance{} : Tolerance{2e-3f, 0.0f}; }
    const char* kind() const { return ref() ? "reference" : "cpu"; }
};

// Strength 0, or no AI picture, is the preview's path: byte for byte what process() makes on the
// same frames, with the temporal history carried across process() and hybrid calls (frame 2 goes
// through process() on the hybrid backend too).
TEST_P(HybridChain, StrengthZeroIsThePreviewByteForByte) {
    const int w = 23, h = 17;
    for (int corner = 0; corner < 4; ++corner) {
        const PreviewParams p = corner_params_for_input(corner, w, h);
        const int ow = p.upscale.out_width, oh = p.upscale.out_height;
        auto preview = make(GetParam());
        auto hybrid = make(GetParam());
        const uint32_t seed = test::case_seed(100 + corner);
        const bool alpha = corner == 3;
        for (int i = 0; i < 6; ++i) {
            const Image in = cartoon(w, h, i, i >= 3, seed, alpha);
            Image want = rgba32f(ow, oh), got = rgba32f(ow, oh);
            ASSERT_TRUE(preview->process(in.view(), want.view(), p));
            const TestTensor ai = ai_picture(2 * ow, 2 * oh, i, i >= 3, seed, true);
            TestTensor model_input(w, h);
            const bool empty_ai = i % 2 == 1;
            const float strength = empty_ai ? 0.7f : 0.0f;
            if (i == 2) {
                ASSERT_TRUE(hybrid->process(in.view(), got.view(), p));
            } else {
                ASSERT_TRUE(hybrid->hybrid_begin(in.view(), model_input.view(), p));
                ASSERT_TRUE(hybrid->hybrid_finish(empty_ai ? ConstTensorView{} : ai.cview(),
                                                  strength, got.view(), p));
            }
            EXPECT_TRUE(bits_equal(want, got))
                << kind() << " corner " << corner << " frame " << i << " strength " << strength
                << (empty_ai ? " (no AI picture)" : "") << test::seed_note(seed);
        }
    }
}

// The same for planar Y'CbCr input: hybrid_begin_yuv + hybrid_finish at strength 0 is
// process_yuv() byte for byte, and the model's input is the decoded frame's gamma encode.
TEST_P(HybridChain, YuvStrengthZeroIsThePreviewByteForByte) {
    const int w = 21, h = 15;
    const PreviewParams p = corner_params(1, 2 * w, 2 * h);
    auto preview = make(GetParam());
    auto hybrid = make(GetParam());
    for (int i = 0; i < 4; ++i) {
        const YuvPicture pic = yuv_scene(w, h, 10, ChromaSubsampling::s420, {}, i, i >= 3, 5);
        Image want = rgba32f(2 * w, 2 * h), got = rgba32f(2 * w, 2 * h);
        ASSERT_TRUE(preview->process_yuv(pic.view, want.view(), p));
        TestTensor model_input(w, h);
        ASSERT_TRUE(hybrid->hybrid_begin_yuv(pic.view, model_input.view(), p));
        ASSERT_TRUE(hybrid->hybrid_finish({}, 0.0f, got.view(), p));
        EXPECT_TRUE(bits_equal(want, got)) << kind() << " frame " << i;
        RefFront front;
        front.run(pic.view, p);
        EXPECT_TRUE(test::compare_values(
            model_input.values(), expected_model_input(front.normalized, true).values(),
            ref() ? Tolerance{} : Tolerance{2e-4f, 0.0f}, test::Layout{w, h},
            fmt::format("{} model input of Y'CbCr frame {}", kind(), i)));
    }
}

// The preview and the hybrid chain enhance the same upscaled input identically: the hybrid chain
// given, at strength 1, the reference's stage 3 upscale of the same frame as its "AI picture"
// makes what process() makes.
TEST_P(HybridChain, ShaderUpscaleAsAiEnhancesLikeThePreview) {
    const int w = 25, h = 19;
    // Gamma-encoded chains with stage 3 on (its output is clamped to [0, 1], as any AI picture
    // is made to be): the picture goes in unchanged.
    for (int corner : {0, 3}) {
        const PreviewParams p = corner_params_for_input(corner, w, h);
        const int ow = p.upscale.out_width, oh = p.upscale.out_height;
        auto preview = make(GetParam());
        auto hybrid = make(GetParam());
        const uint32_t seed = test::case_seed(200 + corner);
        for (int i = 0; i < 5; ++i) {
            const Image in = cartoon(w, h, i, i >= 3, seed, corner == 3);
            RefFront front;
            front.run(in.view(), p);
            const TestTensor shader = to_tensor(front.upscaled(p), 5);
            Image want = rgba32f(ow, oh), got = rgba32f(ow, oh);
            ASSERT_TRUE(preview->process(in.view(), want.view(), p));
            ASSERT_TRUE(run_hybrid(*hybrid, in, shader.cview(), 1.0f, got.view(), p));
            EXPECT_TRUE(images_match(
                got, want, tol(),
                fmt::format("{} corner {} frame {}{}", kind(), corner, i, test::seed_note(seed))));
        }
    }
}

// 0 < s < 1: the frame stages 4-5 see is s * AI + (1 - s) * stage 3, per channel; computed here
// from the references and run through the reference stages 4-5 with their own history.
TEST_P(HybridChain, BlendIsTheMixOfAiAndShaderUpscale) {
    const int w = 22, h = 14;
    const float strengths[] = {0.25f, 0.5f, 0.8f, 0.5f, 0.1f};
    for (int corner : {0, 1, 3}) {
        const PreviewParams p = corner_params_for_input(corner, w, h);
        const int ow = p.upscale.out_width, oh = p.upscale.out_height;
        auto hybrid = make(GetParam());
        RefTail oracle;
        const uint32_t seed = test::case_seed(300 + corner);
        for (int i = 0; i < 5; ++i) {
            const float s = strengths[i];
            const Image in = cartoon(w, h, i, i >= 3, seed, corner == 3);
            const TestTensor ai = ai_picture(ow, oh, i, i >= 3, seed + i, i % 2 == 0, 7);
            const Image want = expected_hybrid(oracle, in, ai, s, p);
            Image got = rgba32f(ow, oh);
            ASSERT_TRUE(run_hybrid(*hybrid, in, ai.cview(), s, got.view(), p));
            EXPECT_TRUE(images_match(got, want, tol(),
                                     fmt::format("{} corner {} frame {} strength {}{}", kind(),
                                                 corner, i, s, test::seed_note(seed))));
        }
    }
}

// An AI picture of another size than the output (x4 for a x2 output, odd sizes, smaller) is
// brought to the output size by the anti-ringing lanczos3 resampler of the stages
// (resample_plane_ref), then used or blended.
TEST_P(HybridChain, OtherAiSizesGoThroughTheAntiRingingResampler) {
    const int w = 19, h = 13;
    const int ow = 2 * w, oh = 2 * h;
    struct Case {
        AiStep ai;
        float anti_ringing;
    };
    const Case cases[] = {{{4 * w, 4 * h, 1.0f}, 1.0f},
                          {{4 * w, 4 * h, 0.6f}, 0.3f},
                          {{3 * w + 1, 3 * h - 2, 1.0f}, 0.0f},
                          {{w, h, 0.7f}, 1.0f},
                          {{ow + 1, oh, 1.0f}, 1.0f}};
    for (int corner : {0, 1}) {
        PreviewParams p = corner_params(corner, ow, oh);
        auto hybrid = make(GetParam());
        RefTail oracle;
        const uint32_t seed = test::case_seed(400 + corner);
        int i = 0;
        for (const Case& c : cases) {
            p.upscale.anti_ringing = c.anti_ringing;
            const Image in = cartoon(w, h, i, 0, seed, false);
            const AiStep& st = c.ai;
            const TestTensor ai = ai_picture(st.aw, st.ah, i, 0, seed + i, i % 2 == 0, 3);
            const Image want = expected_hybrid(oracle, in, ai, st.strength, p);
            Image got = rgba32f(ow, oh);
            ASSERT_TRUE(run_hybrid(*hybrid, in, ai.cview(), st.strength, got.view(), p));
            EXPECT_TRUE(images_match(
                got, want, tol(),
                fmt::format("{} corner {} AI {}x{} -> {}x{} strength {} anti-ringing {}{}", kind(),
                            corner, st.aw, st.ah, ow, oh, st.strength, c.anti_ringing,
                            test::seed_note(seed))));
            ++i;
        }
    }
}

// The model's input is the normalized frame, gamma-encoded and clamped, in planes of the
// caller's stride (nothing between them is written); in a linear-light chain it is the sRGB
// encode of the linear frame, not the linear values.
TEST_P(HybridChain, ModelInputIsTheGammaEncodedNormalizedFrame) {
    struct Case {
        int w, h, corner;
        bool alpha;
    };
    const Case cases[] = {
        {1, 1, 0, false}, {17, 5, 0, true}, {33, 4, 1, false}, {67, 7, 1, true}, {16, 3, 2, false}};
    for (const Case& c : cases) {
        PreviewParams p = corner_params(c.corner, 2 * c.w, 2 * c.h);
        if (c.corner == 1) p.normalize.denoise_strength = 0.0f;
        const bool linear = is_linear(p);
        const uint32_t seed = test::case_seed(500 + static_cast<uint32_t>(c.w));
        const Image in = cartoon(c.w, c.h, 0, 0, seed, c.alpha);
        RefFront front;
        front.run(in.view(), p);
        const TestTensor want = expected_model_input(front.normalized, linear);
        auto hybrid = make(GetParam());
        TestTensor got(c.w, c.h, 9);
        ASSERT_TRUE(hybrid->hybrid_begin(in.view(), got.view(), p));
        const Tolerance t = ref() || !linear ? Tolerance{} : Tolerance{2e-4f, 0.0f};
        const std::string what = fmt::format("{} {}x{} corner {} linear {}{}", kind(), c.w, c.h,
                                             c.corner, linear, test::seed_note(seed));
        EXPECT_TRUE(
            test::compare_values(got.values(), want.values(), t, test::Layout{c.w, c.h}, what));
        EXPECT_TRUE(got.padding_untouched()) << what << ": wrote between the planes";
        if (linear) {
            // Not the linear values: mid-grey content differs by far more than the tolerance.
            EXPECT_GT(std::fabs(got.at(0, 0, 0) - front.normalized.r.row(0)[0]), 0.05f) << what;
        }
    }
}

// A linear-light chain takes the (gamma-encoded) AI picture back to linear light before stages
// 4-5: at strength 1 the frame they see is srgb_to_linear(AI).
TEST_P(HybridChain, LinearChainDecodesTheAiPicture) {
    const int w = 20, h = 12;
    PreviewParams p = corner_params(1, 2 * w, 2 * h);
    auto hybrid = make(GetParam());
    RefTail oracle;
    const uint32_t seed = test::case_seed(600);
    for (int i = 0; i < 4; ++i) {
        const Image in = cartoon(w, h, i, 0, seed, false);
        const TestTensor ai = ai_picture(2 * w, 2 * h, i, 0, seed + i, true);
        RefFront front;
        front.run(in.view(), p);
        PlanarFrame decoded;
        ASSERT_TRUE(decoded.ensure(2 * w, 2 * h, false));
        Plane* planes[3] = {&decoded.r, &decoded.g, &decoded.b};
        for (int c = 0; c < 3; ++c) {
            for (int y = 0; y < 2 * h; ++y) {
                for (int x = 0; x < 2 * w; ++x) {
                    planes[c]->row(y)[x] = color::srgb_to_linear(sanitize(ai.at(c, y, x)));
                }
            }
        }
        Image want = rgba32f(2 * w, 2 * h), got = rgba32f(2 * w, 2 * h);
        oracle.run(decoded, front.features, p, want.view());
        ASSERT_TRUE(run_hybrid(*hybrid, in, ai.cview(), 1.0f, got.view(), p));
        EXPECT_TRUE(images_match(got, want, tol(),
                                 fmt::format("{} frame {}{}", kind(), i, test::seed_note(seed))));
    }
}

// Alpha is upscaled by the shader path and re-attached: the output's alpha is the preview's,
// bit for bit, whatever the AI picture and strength (the model never sees alpha).
TEST_P(HybridChain, AlphaIsThePreviewsAlpha) {
    const int w = 18, h = 11;
    for (int corner : {0, 2}) {  // stage 3 on (clamped alpha) and off (plain resample)
        const PreviewParams p = corner_params_for_input(corner, w, h);
        const int ow = p.upscale.out_width, oh = p.upscale.out_height;
        auto preview = make(GetParam());
        auto hybrid = make(GetParam());
        const uint32_t seed = test::case_seed(700 + corner);
        const float strengths[] = {1.0f, 0.5f, 1.0f};
        for (int i = 0; i < 3; ++i) {
            const Image in = cartoon(w, h, i, 0, seed, true);
            const TestTensor ai =
                ai_picture(i == 2 ? 3 * ow : ow, i == 2 ? 3 * oh : oh, i, 1, seed + i, true);
            Image want = rgba32f(ow, oh), got = rgba32f(ow, oh);
            ASSERT_TRUE(preview->process(in.view(), want.view(), p));
            ASSERT_TRUE(run_hybrid(*hybrid, in, ai.cview(), strengths[i], got.view(), p));
            bool some_translucent = false;
            for (int y = 0; y < oh; ++y) {
                for (int x = 0; x < ow; ++x) {
                    const float a = want.view().row_as<const float>(y)[4 * x + 3];
                    const float b = got.view().row_as<const float>(y)[4 * x + 3];
                    some_translucent |= a < 0.9f;
                    ASSERT_EQ(std::memcmp(&a, &b, sizeof(float)), 0)
                        << kind() << " corner " << corner << " frame " << i << " at (" << x << ", "
                        << y << "): preview alpha " << a << ", hybrid " << b;
                }
            }
            EXPECT_TRUE(some_translucent) << "the test frame must carry alpha";
        }
    }
}

TEST_P(HybridChain, RejectsMisuse) {
    const int w = 9, h = 7;
    const PreviewParams p = corner_params(0, 2 * w, 2 * h);
    auto chain = make(GetParam());
    const Image in = cartoon(w, h, 0, 0, 1, false);
    Image out = rgba32f(2 * w, 2 * h);
    TestTensor model_input(w, h);
    const TestTensor ai = ai_picture(2 * w, 2 * h, 0, 0, 1, false);
    auto expect_invalid = [&](const Result<void>& r, const char* what) {
        ASSERT_FALSE(r) << what;
        EXPECT_EQ(r.error().code, Errc::invalid_argument) << what;
        EXPECT_FALSE(r.error().message.empty()) << what;
    };
    expect_invalid(chain->hybrid_finish(ai.cview(), 1.0f, out.view(), p), "finish without begin");
    TestTensor wrong(w + 1, h);
    expect_invalid(chain->hybrid_begin(in.view(), wrong.view(), p), "model input of another size");
    ASSERT_TRUE(chain->hybrid_begin(in.view(), model_input.view(), p));
    expect_invalid(chain->hybrid_finish(ai.cview(), 1.5f, out.view(), p), "strength 1.5");
    expect_invalid(chain->hybrid_finish(ai.cview(), std::nanf(""), out.view(), p), "strength NaN");
    ConstTensorView two = ai.cview();
    two.channels = 2;
    expect_invalid(chain->hybrid_finish(two, 1.0f, out.view(), p), "AI with 2 channels");
    PreviewParams linear = p;
    linear.normalize.linear_light = true;
    expect_invalid(chain->hybrid_finish(ai.cview(), 1.0f, out.view(), linear),
                   "linear light changed since begin");
    ASSERT_TRUE(chain->hybrid_finish(ai.cview(), 1.0f, out.view(), p));
    expect_invalid(chain->hybrid_finish(ai.cview(), 1.0f, out.view(), p), "a second finish");
    ASSERT_TRUE(chain->hybrid_begin(in.view(), model_input.view(), p));
    ASSERT_TRUE(chain->process(in.view(), out.view(), p));
    expect_invalid(chain->hybrid_finish(ai.cview(), 1.0f, out.view(), p),
                   "finish after process() cancelled the begin");
}

INSTANTIATE_TEST_SUITE_P(Backends, HybridChain, testing::Values(Kind::reference, Kind::cpu),
                         [](const testing::TestParamInfo<Kind>& info) {
                             return info.param == Kind::reference ? "reference" : "cpu";
                         });

// The fast CPU hybrid chain against the reference hybrid chain on odd sizes, AI picture sizes
// (output size, x2 of it, odd, smaller), strengths 0 / 0.3 / 1, alpha, frames with temporal
// stabilization and a scene cut; 1, 2 and 3 threads. Tolerance 2e-3 per value, as the preview.
TEST(HybridCpuChain, MatchesReferenceHybridOnOddSizes) {
    const SizeCase cases[] = {{1, 1, 2, 2}, {17, 9, 34, 18}, {33, 16, 70, 31}, {67, 43, 134, 86}};
    uint32_t salt = 800;
    for (const SizeCase& c : cases) {
        for (int corner = 0; corner < 4; ++corner) {
            PreviewParams p = corner_params(corner, c.ow, c.oh);
            const uint32_t seed = test::case_seed(++salt);
            auto ref = make_reference_preview();
            auto cpu = make_cpu_preview(1 + static_cast<int>(salt % 3));
            const bool alpha = salt % 2 == 0;
            const int ai_sizes[][2] = {{c.ow, c.oh},
                                       {2 * c.ow, 2 * c.oh},
                                       {c.ow + 3, std::max(c.oh - 1, 1)},
                                       {c.w, c.h},
                                       {c.ow, c.oh}};
            const float strengths[] = {0.3f, 1.0f, 0.0f, 1.0f, 0.3f};
            for (int i = 0; i < 5; ++i) {
                const Image in = cartoon(c.w, c.h, i, i >= 3, seed, alpha);
                const TestTensor ai =
                    ai_picture(ai_sizes[i][0], ai_sizes[i][1], i, i >= 3, seed + i, true);
                TestTensor mi_ref(c.w, c.h), mi_cpu(c.w, c.h);
                Image want = rgba32f(c.ow, c.oh), got = rgba32f(c.ow, c.oh);
                ASSERT_TRUE(
                    run_hybrid(*ref, in, ai.cview(), strengths[i], want.view(), p, &mi_ref));
                ASSERT_TRUE(run_hybrid(*cpu, in, ai.cview(), strengths[i], got.view(), p, &mi_cpu));
                const std::string what = fmt::format(
                    "in {}x{} out {}x{} corner {} alpha {} frame {} AI {}x{} strength {}{}", c.w,
                    c.h, c.ow, c.oh, corner, alpha, i, ai.width, ai.height, strengths[i],
                    test::seed_note(seed));
                EXPECT_TRUE(test::compare_values(mi_cpu.values(), mi_ref.values(),
                                                 Tolerance{2e-4f, 0.0f}, test::Layout{c.w, c.h},
                                                 what + " model input"));
                ASSERT_TRUE(images_match(got, want, Tolerance{2e-3f, 0.0f}, what));
            }
        }
    }
}

}  // namespace
}  // namespace kizuna::stages
