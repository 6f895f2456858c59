// The public preview API as a library user sees it: output sizes, backend choice, buffer reuse,
// history, and agreement between backends.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "kizuna/convert.hpp"
#include "kizuna/preview.hpp"
#include "kizuna/probe.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/yuv.hpp"
#include "yuv_picture.hpp"

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

// A x2 preview of the balanced profile on `backend`, with temporal stabilization on or off.
Result<Preview> balanced_x2(PreviewBackendKind backend, bool temporal) {
    Profile p = builtin_profile("balanced").value();
    p.temporal.enabled = temporal;
    return Preview::create(p, {.backend = backend, .scale = 2.0f});
}

TEST(PreviewApi, CpuMatchesReferenceThroughThePublicApi) {
    auto ref = balanced_x2(PreviewBackendKind::reference, /*temporal=*/false);
    auto cpu = balanced_x2(PreviewBackendKind::cpu, /*temporal=*/false);
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
    auto prev = balanced_x2(PreviewBackendKind::cpu, /*temporal=*/true);
    auto fresh = balanced_x2(PreviewBackendKind::cpu, /*temporal=*/true);
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

// A planar Y'CbCr frame (4:2:0, limited range) with a luma ramp and neutral chroma, so its
// decoded picture is grey (Y - 16 * 2^(bits - 8)) / (219 * 2^(bits - 8)) everywhere.
struct GreyRamp {
    test::YuvPicture pic;
    Image rgba;  // the decoded picture, RGBA32F
};

GreyRamp grey_ramp(int w, int h, int bits) {
    GreyRamp g{test::yuv_picture(w, h, bits), Image::create(w, h, PixelFormat::rgba32f).value()};
    const int shift = bits - 8;
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const int code = ((40 << shift) + (x * 600 >> (2 - shift)) / w + y) & ((1 << bits) - 1);
            g.pic.set(0, x, y, static_cast<uint32_t>(code));
            const float v =
                static_cast<float>(code - (16 << shift)) / static_cast<float>(219 << shift);
            float* px = g.rgba.view().row_as<float>(y) + 4 * x;
            px[0] = px[1] = px[2] = std::clamp(v, 0.0f, 1.0f);
            px[3] = 1.0f;
        }
    }
    for (int y = 0; y < g.pic.view.chroma_height(); ++y) {
        for (int x = 0; x < g.pic.view.chroma_width(); ++x) {
            g.pic.set(1, x, y, static_cast<uint32_t>(128 << shift));
            g.pic.set(2, x, y, static_cast<uint32_t>(128 << shift));
        }
    }
    return g;
}

// Through the public API a Y'CbCr frame gives what its decoded RGB gives, at the output size of
// the options; an empty output takes RGBA16F for 10-bit input (more than 8 bits survive) and
// RGBA8 for 8-bit input.
TEST(PreviewApi, YuvFrameIsProcessedLikeItsDecodedPicture) {
    for (int bits : {10, 8}) {
        auto yuv = Preview::create(performance(), {.backend = PreviewBackendKind::cpu, .scale = 2});
        auto rgb = Preview::create(performance(), {.backend = PreviewBackendKind::cpu, .scale = 2});
        ASSERT_TRUE(yuv.ok() && rgb.ok());
        const GreyRamp g = grey_ramp(61, 37, bits);
        Image out, want;
        auto r = yuv->process(g.pic.view, out);
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(out.width(), 122);
        EXPECT_EQ(out.height(), 74);
        EXPECT_EQ(out.format(), bits > 8 ? PixelFormat::rgba16f : PixelFormat::rgba8);
        ASSERT_TRUE(rgb->process(g.rgba.view(), want).ok());
        ASSERT_EQ(want.format(), PixelFormat::rgba32f);
        Image got = Image::create(out.width(), out.height(), PixelFormat::rgba32f).value();
        ASSERT_TRUE(convert_image(out.view(), got.view()).ok());
        float worst = 0.0f;
        for (int y = 0; y < out.height(); ++y) {
            for (int x = 0; x < 4 * out.width(); ++x) {
                worst = std::max(worst, std::fabs(got.view().row_as<const float>(y)[x] -
                                                  want.view().row_as<const float>(y)[x]));
            }
        }
        // The output format's rounding: fp16 within 2.5e-4 in [0, 1], 8-bit half a code.
        EXPECT_LE(worst, bits > 8 ? 3e-4f : 0.5f / 255.0f + 1e-6f) << bits << "-bit";
    }
    auto prev = Preview::create(performance(), {.backend = PreviewBackendKind::cpu});
    ASSERT_TRUE(prev.ok());
    Image out;
    YuvView empty;
    auto r = prev->process(empty, out);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
}

}  // namespace
}  // namespace kizuna
