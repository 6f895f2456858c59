// The public preview API as a library user sees it: output sizes, backend choice, buffer reuse,
// history, and agreement between backends.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "kizuna/preview.hpp"
#include "kizuna/probe.hpp"
#include "kizuna/profile.hpp"

namespace kizuna {
namespace {

Image cartoon(int w, int h, uint32_t seed) {
    Image img = Image::create(w, h, PixelFormat::rgba8).value();
    std::mt19937 rng(seed);
    const int cx = w / 2, cy = h / 2, r = std::min(w, h) / 3;
    for (int y = 0; y < h; ++y) {
        auto* p = img.view().row_as<uint8_t>(y);
        for (int x = 0; x < w; ++x) {
            const int d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
            const bool inside = d2 < r * r;
            const bool outline = std::abs(std::sqrt(static_cast<double>(d2)) - r) < 1.2;
            uint8_t v = outline ? 20 : inside ? 200 : 90;
            p[4 * x + 0] = v;
            p[4 * x + 1] = static_cast<uint8_t>(inside ? 120 : v);
            p[4 * x + 2] = static_cast<uint8_t>(v / 2 + rng() % 3);
            p[4 * x + 3] = 255;
        }
    }
    return img;
}

Profile performance() {
    return builtin_profile("performance").value();
}

TEST(PreviewApi, OutputSizeFollowsOptionsThenProfile) {
    Profile p = performance();
    p.output.scale = 2.0f;
    auto prev = Preview::create(p, {.backend = PreviewBackendKind::cpu});
    ASSERT_TRUE(prev.ok()) << prev.error().message;
    int w = 0, h = 0;
    prev->output_size(640, 360, w, h);
    EXPECT_EQ(w, 1280);
    EXPECT_EQ(h, 720);

    auto x3 = Preview::create(p, {.backend = PreviewBackendKind::cpu, .scale = 3.0f});
    ASSERT_TRUE(x3.ok());
    x3->output_size(640, 360, w, h);
    EXPECT_EQ(w, 1920);
    EXPECT_EQ(h, 1080);

    // Only a width: the height keeps the input's aspect ratio.
    auto wide = Preview::create(p, {.backend = PreviewBackendKind::cpu, .width = 1000});
    ASSERT_TRUE(wide.ok());
    wide->output_size(640, 360, w, h);
    EXPECT_EQ(w, 1000);
    EXPECT_EQ(h, 563);  // 360 * 1000 / 640 = 562.5, rounded
}

TEST(PreviewApi, InvalidProfileValueIsRejectedWithItsPath) {
    Profile p = performance();
    p.enhance.saturation = 3.5f;
    auto prev = Preview::create(p, {.backend = PreviewBackendKind::cpu});
    ASSERT_FALSE(prev.ok());
    EXPECT_EQ(prev.error().code, Errc::invalid_argument);
    EXPECT_NE(prev.error().message.find("stages.enhance.saturation"), std::string::npos)
        << prev.error().message;
}

TEST(PreviewApi, AutoPicksTheCpuBackendWhenTheOnlyVulkanDeviceIsSoftware) {
    auto devices = probe_vulkan_devices();
    bool real_gpu = false;
    if (devices) {
        for (const auto& d : *devices) real_gpu |= d.type != GpuDeviceType::cpu;
    }
    auto prev = Preview::create(performance(), {});
    ASSERT_TRUE(prev.ok()) << prev.error().message;
    EXPECT_EQ(prev->backend_name(), real_gpu ? "vulkan" : "cpu");
}

TEST(PreviewApi, OutputBufferIsReusedAcrossFramesOfOneSize) {
    auto prev = Preview::create(performance(), {.backend = PreviewBackendKind::cpu});
    ASSERT_TRUE(prev.ok());
    Image in = cartoon(67, 43, 1);
    Image out;
    ASSERT_TRUE(prev->process(in.view(), out).ok());
    EXPECT_EQ(out.width(), 134);
    EXPECT_EQ(out.height(), 86);
    EXPECT_EQ(out.format(), PixelFormat::rgba8);  // takes the input's format when empty
    const std::byte* first = out.data();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(prev->process(in.view(), out).ok());
    EXPECT_EQ(out.data(), first) << "output reallocated for a frame of the same size";
}

TEST(PreviewApi, CpuMatchesReferenceThroughThePublicApi) {
    Profile p = builtin_profile("balanced").value();
    p.temporal.enabled = false;
    auto ref = Preview::create(p, {.backend = PreviewBackendKind::reference, .scale = 2.0f});
    auto cpu = Preview::create(p, {.backend = PreviewBackendKind::cpu, .scale = 2.0f});
    ASSERT_TRUE(ref.ok() && cpu.ok());
    Image in = cartoon(45, 31, 7);
    Image a, b;
    ASSERT_TRUE(ref->process(in.view(), a).ok());
    ASSERT_TRUE(cpu->process(in.view(), b).ok());
    int worst = 0;
    for (int y = 0; y < a.height(); ++y) {
        const auto* pa = a.view().row_as<uint8_t>(y);
        const auto* pb = b.view().row_as<uint8_t>(y);
        for (int x = 0; x < a.width() * 4; ++x) worst = std::max(worst, std::abs(pa[x] - pb[x]));
    }
    // The chain tolerance is 2e-3 in float (tests/kernels/stages): at most 1 code in 8-bit.
    EXPECT_LE(worst, 1) << "cpu and reference previews differ by " << worst << " codes";
}

TEST(PreviewApi, ResetHistoryMakesTheNextFrameIndependentOfThePast) {
    Profile p = builtin_profile("balanced").value();
    p.temporal.enabled = true;
    auto prev = Preview::create(p, {.backend = PreviewBackendKind::cpu, .scale = 2.0f});
    auto fresh = Preview::create(p, {.backend = PreviewBackendKind::cpu, .scale = 2.0f});
    ASSERT_TRUE(prev.ok() && fresh.ok());
    Image f1 = cartoon(48, 32, 1), f2 = cartoon(48, 32, 2);
    Image out, expect;
    ASSERT_TRUE(prev->process(f1.view(), out).ok());
    prev->reset_history();
    ASSERT_TRUE(prev->process(f2.view(), out).ok());
    ASSERT_TRUE(fresh->process(f2.view(), expect).ok());
    for (int y = 0; y < out.height(); ++y) {
        ASSERT_EQ(std::memcmp(out.view().row(y), expect.view().row(y), out.width() * 4), 0)
            << "row " << y;
    }
}

}  // namespace
}  // namespace kizuna
