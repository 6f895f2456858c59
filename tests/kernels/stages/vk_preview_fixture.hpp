// The fixture of the tests that run the whole Vulkan preview chain: one chain per storage
// precision (the test parameter) on the program's device; skipped, with the reason, without a
// usable Vulkan device or, for fp16, without 16-bit storage buffers.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "stages/vk/preview.hpp"
#include "vk_test_support.hpp"

namespace kizuna::stages::vktest {

class VkPreviewChain : public testing::TestWithParam<gpu::StoragePrecision> {
protected:
    void SetUp() override {
        std::string why;
        gpu::Context* ctx = shared_context(&why);
        if (!ctx) GTEST_SKIP() << "no usable Vulkan device: " << why;
        if (f16() && !ctx->fp16_enabled()) {
            GTEST_SKIP() << ctx->caps().info.name << " has no 16-bit storage buffers";
        }
        vk::VkPreviewOptions options;
        options.context.use_fp16 = f16();
        auto made = vk::make_vk_preview(options);
        ASSERT_TRUE(made) << made.error().message;
        chain_ = std::move(*made);
        ASSERT_EQ(chain_->stats().fp16, f16());
    }
    bool f16() const { return GetParam() == gpu::StoragePrecision::f16; }
    const char* prec() const { return precision_name(GetParam()); }

    std::unique_ptr<vk::VkPreviewBackend> chain_;
};

}  // namespace kizuna::stages::vktest
