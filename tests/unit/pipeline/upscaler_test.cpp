// The hybrid chain (kizuna::Upscaler) as a library user sees it: the AI really runs when the
// profile asks for it and gives the model's picture; strength blends it with the shader upscale;
// strength 0 and AI-less profiles are the preview byte for byte; every fallback (model that does
// not load, out of memory, deadline) gives the shader-only picture with a notice, or an error with
// require_ai; alpha comes from the shader path.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "ai_model_test.hpp"
#include "core/alloc_fault.hpp"
#include "kizuna/convert.hpp"
#include "kizuna/models.hpp"
#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/upscaler.hpp"
#include "upscaler_test_support.hpp"

namespace kizuna {
namespace {

constexpr const char* kModel = test::kAiTestModel;

// A flat-shaded picture with dark outlines, as anime is drawn; alpha varies when asked.
Image drawing(int w, int h, bool varying_alpha = false) {
    Image img = Image::create(w, h, PixelFormat::rgba8).value();
    for (int y = 0; y < h; ++y) {
        auto* p = img.view().row_as<uint8_t>(y);
        for (int x = 0; x < w; ++x) {
            const double dx = x - w * 0.45, dy = y - h * 0.55;
            const double d = std::sqrt(dx * dx + dy * dy);
            const double r = std::min(w, h) * 0.3;
            const bool outline = std::abs(d - r) < 1.3 || std::abs(x - y - 5) < 1;
            const bool inside = d < r;
            p[4 * x + 0] = outline ? 25 : inside ? 235 : static_cast<uint8_t>(60 + x);
            p[4 * x + 1] = outline ? 20 : inside ? 180 : 120;
            p[4 * x + 2] = outline ? 40 : inside ? 150 : static_cast<uint8_t>(200 - y);
            p[4 * x + 3] = varying_alpha ? static_cast<uint8_t>(inside ? 255 : 40 + 3 * x) : 255;
        }
    }
    return img;
}

// Stages 1, 2, 4 and 5 off: the output is stage 3 and the AI alone.
Profile ai_only_profile(float strength) {
    Profile p = test::stage3_and_ai_profile(strength);
    p.ai.enabled = true;
    p.ai.model = kModel;
    p.ai.scale = 2;
    p.output.scale = 2;
    return p;
}

// The largest difference of any colour channel (alpha too when asked), leaving out a band of
// `border` pixels along the edges.
int max_channel_difference(const Image& a, const Image& b, bool with_alpha = false,
                           int border = 0) {
    EXPECT_EQ(a.width(), b.width());
    EXPECT_EQ(a.height(), b.height());
    int worst = 0;
    for (int y = border; y < a.height() - border; ++y) {
        const auto* pa = a.view().row_as<const uint8_t>(y);
        const auto* pb = b.view().row_as<const uint8_t>(y);
        for (int x = border; x < a.width() - border; ++x)
            for (int c = 0; c < (with_alpha ? 4 : 3); ++c)
                worst = std::max(worst, std::abs(pa[4 * x + c] - pb[4 * x + c]));
    }
    return worst;
}

using test::same_bytes;

Image preview_of(const Profile& p, const Image& in) {
    Profile shader_only = p;
    shader_only.ai.enabled = false;
    auto prev = Preview::create(shader_only, {.backend = PreviewBackendKind::cpu, .threads = 2});
    EXPECT_TRUE(prev.ok()) << prev.error().message;
    Image out;
    auto r = prev->process(in.view(), out);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return out;
}

// The model alone, on the reference backend, as an 8-bit picture: the picture's edges repeated
// by the model's receptive radius first (the chain pads borders the same way, so border pixels
// see the context they would see inside a larger picture), the result cropped back.
Image model_alone(const Image& in) {
    auto model = Model::load(kModel);
    EXPECT_TRUE(model.ok());
    const ModelInfo& info = model->info();
    EXPECT_EQ(info.edge_padding, EdgePadding::replicate);
    const int r = info.receptive_radius, w = in.width(), h = in.height();
    Tensor t = Tensor::create(3, h + 2 * r, w + 2 * r).value();
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < h + 2 * r; ++y)
            for (int x = 0; x < w + 2 * r; ++x) {
                const int sy = std::clamp(y - r, 0, h - 1), sx = std::clamp(x - r, 0, w - 1);
                t.view().row(c, y)[x] = in.view().row_as<const uint8_t>(sy)[4 * sx + c] / 255.0f;
            }
    auto y = run_model(*model, std::as_const(t).view(), {.backend = NnBackendKind::reference});
    EXPECT_TRUE(y.ok()) << y.error().message;
    Image out = Image::create(2 * w, 2 * h, PixelFormat::rgba8).value();
    for (int yy = 0; yy < 2 * h; ++yy)
        for (int x = 0; x < 2 * w; ++x)
            for (int c = 0; c < 4; ++c) {
                const float v =
                    c == 3 ? 1.0f : std::as_const(*y).view().row(c, yy + 2 * r)[x + 2 * r];
                out.view().row_as<uint8_t>(yy)[4 * x + c] =
                    static_cast<uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
            }
    return out;
}

class UpscalerTest : public test::AiModelTest {
protected:
    void TearDown() override { detail::clear_allocation_faults(); }
};

TEST_F(UpscalerTest, TheModelRunsAndItsPictureIsTheOutput) {
    const Image in = drawing(56, 40);
    auto up = Upscaler::create(ai_only_profile(1.0f), test::cpu_stage_options());
    ASSERT_TRUE(up.ok()) << up.error().message;
    EXPECT_TRUE(up->ai_active());
    EXPECT_EQ(up->ai_model(), kModel);
    EXPECT_NE(up->ai_backend(), "none");
    EXPECT_TRUE(up->notices().empty());
    Image out;
    UpscaleReport report;
    ASSERT_TRUE(up->process(in.view(), out, {}, &report).ok());
    EXPECT_TRUE(report.ai_used);
    EXPECT_TRUE(report.ai_note.empty());
    EXPECT_GT(report.ai_ms, 0.0);
    EXPECT_EQ(out.width(), 112);
    EXPECT_EQ(out.height(), 80);
    // The model on its own (reference backend, whole frame): within one level per channel.
    const Image alone = model_alone(in);
    EXPECT_LE(max_channel_difference(out, alone), 1);  // measured: 1, on a few pixels
    // ... and clearly not the shader upscale.
    EXPECT_GT(max_channel_difference(out, preview_of(ai_only_profile(1.0f), in)), 10);
}

TEST_F(UpscalerTest, StrengthBlendsTheModelWithTheShaderUpscale) {
    const Image in = drawing(48, 36);
    Image full, none, half;
    for (auto [s, out] : {std::pair{1.0f, &full}, {0.5f, &half}}) {
        auto up = Upscaler::create(ai_only_profile(s), test::cpu_stage_options());
        ASSERT_TRUE(up.ok()) << up.error().message;
        ASSERT_TRUE(up->process(in.view(), *out).ok());
    }
    none = preview_of(ai_only_profile(1.0f), in);
    int worst = 0, moved = 0;
    for (int y = 0; y < half.height(); ++y) {
        const auto* h = half.view().row_as<const uint8_t>(y);
        const auto* f = full.view().row_as<const uint8_t>(y);
        const auto* n = none.view().row_as<const uint8_t>(y);
        for (int i = 0; i < 4 * half.width(); ++i) {
            if (i % 4 == 3) continue;
            const double want = 0.5 * f[i] + 0.5 * n[i];
            worst = std::max(worst, static_cast<int>(std::ceil(std::abs(h[i] - want))));
            moved += std::abs(f[i] - n[i]) > 8;
        }
    }
    EXPECT_GT(moved, 50) << "the AI and shader pictures should differ for this test to mean much";
    EXPECT_LE(worst, 1);
}

TEST_F(UpscalerTest, StrengthZeroAndAiOffAreThePreviewByteForByte) {
    const Image in = drawing(40, 30);
    Profile p = builtin_profile("balanced").value();
    p.temporal.enabled = false;
    for (const bool ai_enabled : {true, false}) {
        Profile q = p;
        q.ai.enabled = ai_enabled;
        q.ai.strength = ai_enabled ? 0.0f : 1.0f;
        auto up = Upscaler::create(q, test::cpu_stage_options());
        ASSERT_TRUE(up.ok()) << up.error().message;
        EXPECT_FALSE(up->ai_active());
        Image out;
        ASSERT_TRUE(up->process(in.view(), out).ok());
        EXPECT_TRUE(same_bytes(out, preview_of(p, in))) << "ai.enabled " << ai_enabled;
    }
}

TEST_F(UpscalerTest, AModelThatDoesNotLoadIsOneNoticeAndShaderOnlyOutput) {
    const auto dir = std::filesystem::temp_directory_path() / "kizuna-upscaler-test";
    std::filesystem::create_directories(dir);
    const auto param = dir / "broken.param";
    std::ofstream(param) << "7767517\n1 1\nInput data 0 1 data\n";  // no .bin, too few layers
    Profile p = ai_only_profile(1.0f);
    p.ai.model = param.string();
    const Image in = drawing(32, 24);
    auto up = Upscaler::create(p, test::cpu_stage_options());
    ASSERT_TRUE(up.ok()) << up.error().message;
    EXPECT_FALSE(up->ai_active());
    ASSERT_EQ(up->notices().size(), 1u);
    const std::string& n = up->notices()[0];
    EXPECT_EQ(n.rfind("AI model failed to load: ", 0), 0u) << n;
    EXPECT_NE(n.find("broken.param"), std::string::npos) << n;
    EXPECT_NE(n.find(". Falling back to shader-only."), std::string::npos) << n;
    Image out;
    UpscaleReport report;
    ASSERT_TRUE(up->process(in.view(), out, {}, &report).ok());
    EXPECT_FALSE(report.ai_used);
    EXPECT_FALSE(report.ai_note.empty());
    EXPECT_TRUE(same_bytes(out, preview_of(p, in)));
    EXPECT_EQ(up->notices().size(), 1u) << "the model is not tried again";

    // require_ai: the same model is an error naming the file.
    UpscalerOptions strict = test::cpu_stage_options();
    strict.require_ai = true;
    auto fails = Upscaler::create(p, strict);
    ASSERT_FALSE(fails.ok());
    EXPECT_NE(fails.error().message.find("broken.param"), std::string::npos)
        << fails.error().message;

    // A model id that does not exist at all.
    p.ai.model = "no-such-model-x2";
    auto missing = Upscaler::create(p, test::cpu_stage_options());
    ASSERT_TRUE(missing.ok());
    ASSERT_EQ(missing->notices().size(), 1u);
    EXPECT_NE(missing->notices()[0].find("no-such-model-x2"), std::string::npos);
    std::filesystem::remove_all(dir);
}

// ai.backend "vulkan" runs the model on the Vulkan backend (lavapipe accepted when asked for by
// name); its output matches the CPU backend's within a level.
TEST_F(UpscalerTest, AiBackendVulkanRunsTheModelOnTheVulkanBackend) {
    const Image in = drawing(40, 32);
    Profile p = ai_only_profile(1.0f);
    p.ai.backend = BackendPreference::vulkan;
    p.ai.precision = AiPrecision::fp32;  // fp16 is tested with the device-resident chain
    auto up = Upscaler::create(p, test::cpu_stage_options());
    ASSERT_TRUE(up.ok()) << up.error().message;
    if (up->ai_backend() != "vulkan") {
        // Only a machine without any Vulkan device may fall back, and it must say so.
        ASSERT_FALSE(up->notices().empty());
        EXPECT_NE(up->notices().back().find("trying xnnpack"), std::string::npos)
            << up->notices().back();
        GTEST_SKIP() << "no Vulkan device: " << up->notices().back();
    }
    EXPECT_TRUE(up->notices().empty());
    EXPECT_EQ(up->ai_precision(), "fp32");
    Image out;
    UpscaleReport report;
    ASSERT_TRUE(up->process(in.view(), out, {}, &report).ok());
    EXPECT_TRUE(report.ai_used);
    auto cpu = Upscaler::create(ai_only_profile(1.0f), test::cpu_stage_options());
    ASSERT_TRUE(cpu.ok());
    Image want;
    ASSERT_TRUE(cpu->process(in.view(), want).ok());
    EXPECT_LE(max_channel_difference(out, want), 1);
}

// ai.precision fp16 where the model runs on the CPU: it runs in fp32, and a notice says so and
// why; auto there is fp32 without a notice (it means fp16 only where the device has it).
TEST_F(UpscalerTest, Fp16OnTheCpuBackendRunsFp32WithANotice) {
    Profile p = ai_only_profile(1.0f);
    p.ai.backend = BackendPreference::cpu;
    p.ai.precision = AiPrecision::fp16;
    auto up = Upscaler::create(p, test::cpu_stage_options());
    ASSERT_TRUE(up.ok()) << up.error().message;
    EXPECT_EQ(up->ai_precision(), "fp32");
    ASSERT_EQ(up->notices().size(), 1u);
    EXPECT_EQ(up->notices()[0], "ai.precision fp16: the model runs in fp32 on the " +
                                    std::string(up->ai_backend()) +
                                    " backend (only the Vulkan backend has fp16)");
    p.ai.precision = AiPrecision::automatic;
    auto quiet = Upscaler::create(p, test::cpu_stage_options());
    ASSERT_TRUE(quiet.ok()) << quiet.error().message;
    EXPECT_EQ(quiet->ai_precision(), "fp32");
    EXPECT_TRUE(quiet->notices().empty()) << quiet->notices().front();
}

// Upscaler::create refuses `p` as an invalid argument, with a message that holds `words`.
void expect_refused(const Profile& p, const std::string& words) {
    auto up = Upscaler::create(p, test::cpu_stage_options());
    ASSERT_FALSE(up.ok());
    EXPECT_EQ(up.error().code, Errc::invalid_argument);
    EXPECT_NE(up.error().message.find(words), std::string::npos) << up.error().message;
}

TEST_F(UpscalerTest, AScaleThatIsNotTheModelsIsRefused) {
    Profile p = ai_only_profile(1.0f);
    p.ai.scale = 4;
    expect_refused(p, "ai.scale");
}

TEST_F(UpscalerTest, OutOfMemoryEverywhereEndsInShaderOnlyWithNotices) {
    const Image in = drawing(40, 32);
    const Image shader = preview_of(ai_only_profile(1.0f), in);
    // The stages' planes of this small frame stay under 160 KiB; the model's activations (64
    // channels of float per pixel) do not, at any tile size.
    constexpr size_t limit = 160 * 1024;
    auto up = Upscaler::create(ai_only_profile(1.0f), test::cpu_stage_options());
    ASSERT_TRUE(up.ok());
    Image out;
    UpscaleReport report;
    detail::fail_allocations_above(limit);
    auto r = up->process(in.view(), out, {}, &report);
    detail::clear_allocation_faults();
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_FALSE(report.ai_used);
    EXPECT_FALSE(up->ai_active());
    ASSERT_FALSE(up->notices().empty());
    EXPECT_NE(up->notices().back().find("Falling back to shader-only"), std::string::npos)
        << up->notices().back();
    EXPECT_TRUE(same_bytes(out, shader));
    // Later frames stay shader-only without trying again.
    const size_t notices = up->notices().size();
    ASSERT_TRUE(up->process(in.view(), out, {}, &report).ok());
    EXPECT_FALSE(report.ai_used);
    EXPECT_EQ(up->notices().size(), notices);

    // require_ai: the same failure is an error.
    UpscalerOptions strict = test::cpu_stage_options();
    strict.require_ai = true;
    auto hard = Upscaler::create(ai_only_profile(1.0f), strict);
    ASSERT_TRUE(hard.ok());
    detail::fail_allocations_above(limit);
    auto e = hard->process(in.view(), out);
    detail::clear_allocation_faults();
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().code, Errc::out_of_memory) << e.error().message;
}

TEST_F(UpscalerTest, APassedDeadlineGivesTheShaderOnlyFrameAndTheNextFrameTriesAgain) {
    const Image in = drawing(120, 100);
    Profile p = ai_only_profile(1.0f);
    p.ai.tile_size = 96;  // several tiles: the deadline is checked between them
    auto up = Upscaler::create(p, test::cpu_stage_options());
    ASSERT_TRUE(up.ok()) << up.error().message;
    Image out;
    UpscaleReport report;
    UpscaleControl late;
    late.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
    ASSERT_TRUE(up->process(in.view(), out, late, &report).ok());
    EXPECT_TRUE(report.ai_timed_out)
        << report.ai_note << " / " << report.tiles.tiles_x << "x" << report.tiles.tiles_y
        << " tiles; notices " << up->notices().size()
        << (up->notices().empty() ? "" : up->notices()[0]);
    EXPECT_FALSE(report.ai_used);
    EXPECT_TRUE(same_bytes(out, preview_of(p, in)));
    EXPECT_TRUE(up->ai_active());
    ASSERT_TRUE(up->process(in.view(), out, {}, &report).ok());
    EXPECT_TRUE(report.ai_used);

    up->disable_ai("test");
    EXPECT_FALSE(up->ai_active());
    ASSERT_TRUE(up->process(in.view(), out, {}, &report).ok());
    EXPECT_FALSE(report.ai_used);
    EXPECT_NE(up->notices().back().find("test"), std::string::npos);
}

TEST_F(UpscalerTest, ATileTooSmallForTheOverlapIsRefusedUpFront) {
    Profile p = ai_only_profile(1.0f);
    p.ai.tile_size = 32;
    expect_refused(p, "tile size 32 is too small");
}

TEST_F(UpscalerTest, CancelStopsTheFrame) {
    const Image in = drawing(120, 100);
    Profile p = ai_only_profile(1.0f);
    p.ai.tile_size = 96;
    auto up = Upscaler::create(p, test::cpu_stage_options());
    ASSERT_TRUE(up.ok());
    std::atomic<bool> cancel{true};
    Image out;
    UpscaleControl stop;
    stop.cancel = &cancel;
    auto r = up->process(in.view(), out, stop);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::cancelled);
}

TEST_F(UpscalerTest, AlphaComesFromTheShaderPathAndTheModelSeesRgbOnly) {
    const Image opaque = drawing(40, 32, false);
    const Image sprite = drawing(40, 32, true);
    auto up = Upscaler::create(ai_only_profile(1.0f), test::cpu_stage_options());
    ASSERT_TRUE(up.ok());
    Image a, b;
    ASSERT_TRUE(up->process(opaque.view(), a).ok());
    up->reset_history();
    ASSERT_TRUE(up->process(sprite.view(), b).ok());
    // Same RGB in, same RGB out: alpha does not reach the model.
    EXPECT_EQ(max_channel_difference(a, b), 0);
    // The alpha plane is the shader path's.
    const Image shader = preview_of(ai_only_profile(1.0f), sprite);
    int worst = 0;
    for (int y = 0; y < b.height(); ++y)
        for (int x = 0; x < b.width(); ++x)
            worst = std::max(worst, std::abs(b.view().row_as<const uint8_t>(y)[4 * x + 3] -
                                             shader.view().row_as<const uint8_t>(y)[4 * x + 3]));
    EXPECT_EQ(worst, 0);
}

}  // namespace
}  // namespace kizuna
