// The Vulkan NN backend's memory: tiles sized from the device's memory budget, and
// VK_ERROR_OUT_OF_DEVICE_MEMORY (injected: gpu/device_alloc_fault.hpp) during a tile halving the
// tile and retrying, with the result still the CPU backend's. A tiny model written by the test
// (conv 3 -> 8 + ReLU, conv 8 -> 12, pixel shuffle x2) keeps it fast on a software device.
// Tolerance: |vulkan - xnnpack| <= 1e-4 * max(1, max |xnnpack|). Skips without a Vulkan device.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "gpu/device_alloc_fault.hpp"
#include "kizuna/models.hpp"
#include "kizuna/nn_tiler.hpp"
#include "nn/model/model_impl.hpp"
#include "tiny_models.hpp"
#include "vk_test_util.hpp"
#include "xnn_test_util.hpp"

namespace kizuna::nn::test {
namespace {

constexpr float kTol = 1e-4f;

std::string tiny_model() {
    static const std::string path =
        tiny_up2_model("kizuna_vulkan_memory_test", "tiny_up2", 991, false);
    return path;
}

Tensor input(int h, int w) {
    Tensor t = std::move(*Tensor::create(3, h, w));
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                t.view().row(c, y)[x] = 0.5f + 0.45f * std::sin(0.21f * x - 0.13f * y + c);
    return t;
}

Result<Tiler> make_tiler(const Model& m, NnBackendKind kind) {
    SessionOptions so;
    so.backend = kind;
    so.threads = 2;
    TileSettings ts;
    ts.min_tile_size = 16;
    return Tiler::create(m, so, ts);
}

Result<Tensor> run(Tiler& t, const Tensor& in) {
    auto out = Tensor::create(3, 2 * in.height(), 2 * in.width());
    KZ_TRY(out);
    KZ_TRY(t.run(in.view(), out->view()));
    return std::move(*out);
}

// Skips without a Vulkan device; loads the tiny model. The allocation-fault hook is disarmed
// after each test whatever its outcome.
class VkNnMemory : public ::testing::Test {
protected:
    void SetUp() override {
        const std::string why = no_vulkan_device();
        if (!why.empty()) GTEST_SKIP() << why;
        auto model = Model::load(tiny_model());
        ASSERT_TRUE(model) << model.error().message;
        model_.emplace(std::move(*model));
    }
    void TearDown() override { gpu::clear_device_allocation_faults(); }

    Result<Tiler> tiler(NnBackendKind kind) const { return make_tiler(*model_, kind); }

    std::optional<Model> model_;
    const Tensor in_ = input(90, 120);  // the frame of the out-of-memory tests
};

// The device's budget is known and large enough for this frame whole: one tile.
TEST_F(VkNnMemory, TheDeviceBudgetIsKnownAndAFrameThatFitsRunsWhole) {
    auto vk = VulkanBackend::create({});
    ASSERT_TRUE(vk) << vk.error().message;
    const uint64_t budget = (*vk)->device_budget();
    EXPECT_GT(budget, uint64_t{1} << 24) << "a device with less than 16 MiB for tiles";
    auto bytes = (*vk)->device_bytes(ModelAccess::impl(*model_)->graph, 3, 64, 64);
    ASSERT_TRUE(bytes) << bytes.error().message;
    EXPECT_GT(*bytes, uint64_t{2} * 8 * 64 * 64 * 4) << "two 8-channel planes at least";
    auto t = tiler(NnBackendKind::vulkan);
    ASSERT_TRUE(t) << t.error().message;
    auto plan = t->plan(90, 120);
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_FALSE(plan->tiled());
}

// One injected VK_ERROR_OUT_OF_DEVICE_MEMORY on the activations: the tile is halved, the run
// retried, the event says so, and the output is the CPU backend's.
TEST_F(VkNnMemory, OutOfDeviceMemoryHalvesTheTileAndTheOutputIsStillRight) {
    auto cpu = tiler(NnBackendKind::xnnpack);
    ASSERT_TRUE(cpu) << cpu.error().message;
    auto want = run(*cpu, in_);
    ASSERT_TRUE(want) << want.error().message;

    auto vk = tiler(NnBackendKind::vulkan);
    ASSERT_TRUE(vk) << vk.error().message;
    // The weights (4.4 KB) stay under 64 KiB; the whole frame's activations do not.
    gpu::fail_device_allocations(1, 64 * 1024);
    auto got = run(*vk, in_);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(gpu::injected_device_allocation_failures(), 1);
    const TileReport& rep = vk->last_report();
    ASSERT_EQ(rep.events.size(), 1u);
    EXPECT_NE(rep.events[0].find("out of memory with"), std::string::npos) << rep.events[0];
    EXPECT_NE(rep.events[0].find("VK_ERROR_OUT_OF_DEVICE_MEMORY"), std::string::npos)
        << rep.events[0];
    EXPECT_NE(rep.events[0].find("retrying with"), std::string::npos) << rep.events[0];
    EXPECT_TRUE(rep.tiled()) << rep.tile_width << "x" << rep.tile_height;
    EXPECT_TRUE(close_enough(*got, *want, kTol, "halved Vulkan tiles against xnnpack"));

    // The halved tile stays for the next frame: no new failure, no new event.
    auto again = run(*vk, in_);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_TRUE(vk->last_report().events.empty());
}

// Every device allocation fails: the halving goes down to the floor and the run ends in
// out_of_memory, each step reported (the hybrid chain then takes the CPU backend).
TEST_F(VkNnMemory, OutOfDeviceMemoryAtEverySizeEndsInOutOfMemory) {
    auto vk = tiler(NnBackendKind::vulkan);
    ASSERT_TRUE(vk) << vk.error().message;
    gpu::fail_device_allocations(-1);
    auto got = run(*vk, in_);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, Errc::out_of_memory) << got.error().message;
    const TileReport& rep = vk->last_report();
    ASSERT_GE(rep.events.size(), 2u);
    for (size_t i = 0; i + 1 < rep.events.size(); ++i)
        EXPECT_NE(rep.events[i].find("retrying with"), std::string::npos) << rep.events[i];
    EXPECT_NE(rep.events.back().find("no smaller tile is possible"), std::string::npos)
        << rep.events.back();
}

}  // namespace
}  // namespace kizuna::nn::test
