// One Vulkan device per Session: the size slots of a Vulkan session run on one VkDevice and
// upload the model's weights once (counted by gpu::Context and nn::VulkanDevice), and each size
// still gives the reference backend's output. Skips when the machine has no Vulkan device or
// the model is not installed.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "gpu/context.hpp"
#include "kizuna/models.hpp"
#include "kizuna/nn_session.hpp"
#include "nn/vulkan/vk_device.hpp"
#include "vk_test_util.hpp"

namespace kizuna {
namespace {

Tensor noise(int h, int w, unsigned seed) {
    Tensor t = std::move(*Tensor::create(3, h, w));
    std::minstd_rand rng(seed);
    std::uniform_real_distribution<float> u(0.f, 1.f);
    for (size_t i = 0; i < t.size(); ++i) t.data()[i] = u(rng);
    return t;
}

// Largest |a - b| over b's values, relative to max(1, |b|).
double worst_relative(const Tensor& a, const Tensor& b) {
    double worst = 0;
    for (size_t i = 0; i < b.size(); ++i)
        worst = std::max(worst, std::abs(double{a.data()[i]} - b.data()[i]) /
                                    std::max(1.0, std::abs(double{b.data()[i]})));
    return worst;
}

TEST(VkSharedDevice, SessionSizesShareOneDeviceAndOneWeightUpload) {
    const std::string why = nn::test::no_vulkan_device();
    if (!why.empty()) GTEST_SKIP() << why;
    auto model = Model::load("realesr-animevideov3-x2");
    if (!model) GTEST_SKIP() << model.error().message;

    const uint64_t devices = gpu::Context::devices_created();
    const uint64_t uploads = nn::VulkanDevice::weight_uploads();
    SessionOptions vo;
    vo.backend = NnBackendKind::vulkan;
    vo.max_sizes = 2;
    auto vk = Session::create(*model, vo);
    ASSERT_TRUE(vk) << vk.error().message;
    SessionOptions ro;
    ro.backend = NnBackendKind::reference;
    ro.threads = 2;
    auto ref = Session::create(*model, ro);
    ASSERT_TRUE(ref) << ref.error().message;

    // Two sizes, the first again: two slots.
    const int sizes[][2] = {{8, 10}, {12, 6}, {8, 10}};
    unsigned seed = 1;
    for (const auto& hw : sizes) {
        const Tensor in = noise(hw[0], hw[1], seed++);
        auto shape = vk->output_shape(hw[0], hw[1]);
        ASSERT_TRUE(shape) << shape.error().message;
        Tensor got = std::move(*Tensor::create(shape->channels, shape->height, shape->width));
        Tensor want = std::move(*Tensor::create(shape->channels, shape->height, shape->width));
        auto r = vk->run(in.view(), got.view());
        ASSERT_TRUE(r) << r.error().message;
        ASSERT_TRUE(ref->run(in.view(), want.view()));
        EXPECT_LE(worst_relative(got, want), 1e-4) << hw[0] << "x" << hw[1];
    }
    EXPECT_EQ(gpu::Context::devices_created() - devices, 1u)
        << "every size slot of a Vulkan session must run on the session's one device";
    EXPECT_EQ(nn::VulkanDevice::weight_uploads() - uploads, 1u)
        << "the weights must be uploaded once per session, not once per size";
}

}  // namespace
}  // namespace kizuna
