// The hybrid chain's order on the Vulkan NN backend, by injection: out of device memory at every
// tile size (gpu/device_alloc_fault.hpp) hands the frame to the CPU backend, whose picture it
// then is byte for byte; out of host memory as well ends in the shader-only picture. Every step
// is a notice (the job's summary). Skips when the machine has no Vulkan device.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/alloc_fault.hpp"
#include "gpu/device_alloc_fault.hpp"
#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/upscaler.hpp"
#include "upscaler_test_support.hpp"

namespace kizuna {
namespace {

// A flat-shaded disc with an outline on a gradient.
Image drawing(int w, int h) {
    Image img = Image::create(w, h, PixelFormat::rgba8).value();
    for (int y = 0; y < h; ++y) {
        auto* p = img.view().row_as<uint8_t>(y);
        for (int x = 0; x < w; ++x) {
            const double d = std::hypot(x - w * 0.45, y - h * 0.55), r = std::min(w, h) * 0.3;
            const bool outline = std::abs(d - r) < 1.3, inside = d < r;
            p[4 * x + 0] = outline ? 25 : inside ? 235 : static_cast<uint8_t>(60 + x);
            p[4 * x + 1] = outline ? 20 : inside ? 180 : 120;
            p[4 * x + 2] = outline ? 40 : inside ? 150 : static_cast<uint8_t>(200 - y);
            p[4 * x + 3] = 255;
        }
    }
    return img;
}

// Stage 3 and the AI alone, at full strength, on `backend`.
Profile ai_profile(BackendPreference backend) {
    Profile p = test::stage3_and_ai_profile(1.0f);
    p.ai.backend = backend;
    return p;
}

using test::same_bytes;

Image upscale(const Profile& p, const Image& in) {
    auto up = Upscaler::create(p, test::cpu_stage_options());
    EXPECT_TRUE(up) << up.error().message;
    Image out;
    auto r = up->process(in.view(), out);
    EXPECT_TRUE(r) << r.error().message;
    return out;
}

bool has_notice(const Upscaler& up, const std::string& a, const std::string& b = "") {
    return std::any_of(up.notices().begin(), up.notices().end(), [&](const std::string& n) {
        return n.find(a) != std::string::npos && n.find(b) != std::string::npos;
    });
}

std::string all_notices(const Upscaler& up) {
    std::string s;
    for (const std::string& n : up.notices()) s += "\n  " + n;
    return s;
}

struct FaultGuard {
    ~FaultGuard() {
        gpu::clear_device_allocation_faults();
        detail::clear_allocation_faults();
    }
};

TEST(VkFallback, OutOfDeviceMemoryFallsToTheCpuBackendThenToShaderOnly) {
    const Image in = drawing(40, 32);
    auto up = Upscaler::create(ai_profile(BackendPreference::vulkan), test::cpu_stage_options());
    ASSERT_TRUE(up) << up.error().message;
    if (up->ai_backend() != "vulkan") GTEST_SKIP() << "no Vulkan device:" << all_notices(*up);

    const FaultGuard guard;
    gpu::fail_device_allocations(-1);
    Image out;
    UpscaleReport report;
    ASSERT_TRUE(up->process(in.view(), out, {}, &report));
    EXPECT_GT(gpu::injected_device_allocation_failures(), 0);
    EXPECT_TRUE(report.ai_used) << report.ai_note;
    EXPECT_EQ(up->ai_backend(), "xnnpack");
    EXPECT_TRUE(
        has_notice(*up, "AI on vulkan: out of memory with", "VK_ERROR_OUT_OF_DEVICE_MEMORY"))
        << all_notices(*up);
    EXPECT_TRUE(has_notice(*up, "AI on vulkan failed (", "trying the next backend"))
        << all_notices(*up);
    EXPECT_TRUE(same_bytes(out, upscale(ai_profile(BackendPreference::cpu), in)))
        << "the fallback's picture is not the CPU backend's";

    // Host memory runs out too (a fresh chain, as the first one's CPU backend holds its
    // buffers now): Vulkan, then the CPU backend give up, and the frame is shader-only.
    auto both = Upscaler::create(ai_profile(BackendPreference::vulkan), test::cpu_stage_options());
    ASSERT_TRUE(both) << both.error().message;
    constexpr size_t limit = 160 * 1024;  // the stages' planes fit, the activations do not
    detail::fail_allocations_above(limit);
    ASSERT_TRUE(both->process(in.view(), out, {}, &report));
    detail::clear_allocation_faults();
    EXPECT_FALSE(report.ai_used);
    EXPECT_TRUE(has_notice(*both, "AI on vulkan failed (", "trying the next backend"))
        << all_notices(*both);
    EXPECT_TRUE(has_notice(*both, "AI on xnnpack failed (", "Falling back to shader-only"))
        << all_notices(*both);
    Profile shader_only = ai_profile(BackendPreference::cpu);
    shader_only.ai.enabled = false;
    EXPECT_TRUE(same_bytes(out, upscale(shader_only, in)));
}

}  // namespace
}  // namespace kizuna
