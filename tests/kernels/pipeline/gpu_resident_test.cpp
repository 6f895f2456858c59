// The hybrid chain with the stages and the model both on Vulkan: one device for the whole chain.
// The models are tiny ones written by the test (a few 3x3 convolutions, a x2 pixel shuffle, and
// in one a squeeze-excitation block with global average pooling, as Real-CUGAN has), so that
// lavapipe runs them in milliseconds. Skips when the machine has no Vulkan device.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "gpu/context.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/upscaler.hpp"
#include "nn/vulkan/vk_device.hpp"

namespace kizuna {
namespace {

// Writes `param` and a .bin of seeded random weights for the given parameter counts (each
// weighted layer: a fp32 tag, its weights, then its biases) under the test's temp folder;
// returns the .param path.
std::string write_model(const std::string& name, const std::string& param,
                        const std::vector<std::pair<int, int>>& weights_and_biases) {
    const std::filesystem::path dir =
        std::filesystem::path(::testing::TempDir()) / "kizuna_gpu_resident_test";
    std::filesystem::create_directories(dir);
    const std::filesystem::path path = dir / (name + ".param");
    std::ofstream(path) << param;
    std::ofstream bin(std::filesystem::path(path).replace_extension(".bin"), std::ios::binary);
    std::minstd_rand rng(7);
    std::uniform_real_distribution<float> w(-0.2f, 0.2f), b(0.2f, 0.4f);
    for (auto [n_weights, n_biases] : weights_and_biases) {
        const uint32_t fp32_tag = 0;
        bin.write(reinterpret_cast<const char*>(&fp32_tag), 4);
        std::vector<float> v(static_cast<size_t>(n_weights));
        for (float& x : v) x = w(rng);
        for (int i = 0; i < n_biases; ++i) v.push_back(b(rng));
        bin.write(reinterpret_cast<const char*>(v.data()),
                  static_cast<std::streamsize>(v.size() * sizeof(float)));
    }
    return path.string();
}

// 3 -> 8 -> 12 channels of 3x3 convolutions, then a x2 pixel shuffle: receptive radius 2.
const std::string& plain_model() {
    static const std::string path =
        write_model("plain_x2",
                    "7767517\n4 4\n"
                    "Input in 0 1 data\n"
                    "Convolution c1 1 1 data a 0=8 1=3 4=1 5=1 6=216 9=1\n"
                    "Convolution c2 1 1 a b 0=12 1=3 4=1 5=1 6=864\n"
                    "PixelShuffle ps 1 1 b out 0=2\n",
                    {{216, 8}, {864, 12}});
    return path;
}

// Bands of colour with a dark diagonal line: edges for stage 2, flat areas for the AI.
Image picture(int w, int h) {
    Image img = Image::create(w, h, PixelFormat::rgba8).value();
    for (int y = 0; y < h; ++y) {
        auto* p = img.view().row_as<uint8_t>(y);
        for (int x = 0; x < w; ++x) {
            const bool line = std::abs(x - 2 * y + 5) < 2;
            p[4 * x + 0] = line ? 30 : static_cast<uint8_t>(40 + 9 * x);
            p[4 * x + 1] = line ? 25 : static_cast<uint8_t>(200 - 7 * y);
            p[4 * x + 2] = line ? 50 : (x / 6 + y / 5) % 2 ? 210 : 90;
            p[4 * x + 3] = 255;
        }
    }
    return img;
}

// Every stage but temporal on, the AI on Vulkan blended with stage 3.
Profile vulkan_ai_profile(const std::string& model) {
    Profile p = builtin_profile("balanced").value();
    p.ai.enabled = true;
    p.ai.model = model;
    p.ai.scale = 2;
    p.ai.strength = 0.75f;
    p.ai.backend = BackendPreference::vulkan;
    p.temporal.enabled = false;
    return p;
}

UpscalerOptions vulkan_stages() {
    UpscalerOptions o;
    o.stages.backend = PreviewBackendKind::vulkan;
    return o;
}

// The chain, or a skip when the stages or the model cannot run on Vulkan here.
#define KZ_VULKAN_CHAIN_OR_SKIP(var, profile)                                           \
    auto var = Upscaler::create(profile, vulkan_stages());                              \
    ASSERT_TRUE(var) << var.error().message;                                            \
    if (var->stage_backend().substr(0, 6) != "vulkan" || var->ai_backend() != "vulkan") \
        GTEST_SKIP() << "no Vulkan device: stages " << var->stage_backend() << ", AI "  \
                     << var->ai_backend();

TEST(GpuResident, StagesAndModelShareOneDevice) {
    const uint64_t devices = gpu::Context::devices_created();
    const uint64_t uploads = nn::VulkanDevice::weight_uploads();
    KZ_VULKAN_CHAIN_OR_SKIP(up, vulkan_ai_profile(plain_model()));
    const Image in = picture(20, 14);
    Image out;
    UpscaleReport report;
    for (int frame = 0; frame < 2; ++frame) {
        ASSERT_TRUE(up->process(in.view(), out, {}, &report));
        EXPECT_TRUE(report.ai_used) << report.ai_note;
    }
    EXPECT_EQ(gpu::Context::devices_created() - devices, 1u)
        << "the Vulkan stages and the Vulkan NN backend of one chain must share one device";
    EXPECT_EQ(nn::VulkanDevice::weight_uploads() - uploads, 1u);
}

}  // namespace
}  // namespace kizuna
