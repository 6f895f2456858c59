// The Vulkan layer on whatever device exists (lavapipe in CI): device choice, probing, buffers,
// a compute shader in both storage precisions against plain C++, deferred destruction and
// timestamps. Every test reports "skipped" with the reason when no Vulkan device can be used.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <random>
#include <vector>

#include "core/half.hpp"
#include "gpu/buffer.hpp"
#include "gpu/command_buffer.hpp"
#include "gpu/compute_pipeline.hpp"
#include "gpu/context.hpp"
#include "gpu/shader_library.hpp"
#include "kizuna/probe.hpp"

namespace kizuna::gpu {
namespace {

std::unique_ptr<Context> make_context_or_skip_reason(std::string* reason, bool fp16 = true) {
    ContextParams params;
    params.use_fp16 = fp16;
    auto ctx = Context::create(params);
    if (!ctx) {
        *reason = ctx.error().message;
        return nullptr;
    }
    return std::move(*ctx);
}

#define KZ_CONTEXT_OR_SKIP(ctx, ...)                                      \
    std::string skip_reason_;                                             \
    auto ctx = make_context_or_skip_reason(&skip_reason_, ##__VA_ARGS__); \
    if (!ctx) {                                                           \
        GTEST_SKIP() << "no usable Vulkan device: " << skip_reason_;      \
    }                                                                     \
    static_assert(true)

TEST(GpuProbe, ListsDevicesBestFirstAndSoftwareAsCpu) {
    auto devices = probe_vulkan_devices();
    if (!devices) {
        GTEST_SKIP() << "no Vulkan driver: " << devices.error().message;
    }
    ASSERT_FALSE(devices->empty());
    // The order the probe must list them in; any other type comes last.
    constexpr GpuDeviceType kBestFirst[] = {GpuDeviceType::discrete, GpuDeviceType::integrated,
                                            GpuDeviceType::virtual_gpu, GpuDeviceType::cpu};
    auto rank = [&](GpuDeviceType t) {
        return std::find(std::begin(kBestFirst), std::end(kBestFirst), t) - std::begin(kBestFirst);
    };
    for (size_t i = 0; i < devices->size(); ++i) {
        const auto& d = (*devices)[i];
        EXPECT_FALSE(d.name.empty());
        EXPECT_FALSE(d.driver.empty());
        EXPECT_EQ(std::count(d.api_version.begin(), d.api_version.end(), '.'), 2) << d.api_version;
        if (i > 0) {
            EXPECT_LE(rank((*devices)[i - 1].type), rank(d.type));
        }
        // Mesa's software rasterizer must be reported as a CPU device.
        if (d.name.find("llvmpipe") != std::string::npos) {
            EXPECT_EQ(d.type, GpuDeviceType::cpu) << d.name;
            EXPECT_STREQ(gpu_device_type_name(d.type), "cpu");
        }
    }
}

TEST(GpuProbe, TypeNames) {
    EXPECT_STREQ(gpu_device_type_name(GpuDeviceType::discrete), "discrete");
    EXPECT_STREQ(gpu_device_type_name(GpuDeviceType::integrated), "integrated");
    EXPECT_STREQ(gpu_device_type_name(GpuDeviceType::virtual_gpu), "virtual");
    EXPECT_STREQ(gpu_device_type_name(GpuDeviceType::cpu), "cpu");
    EXPECT_STREQ(gpu_device_type_name(GpuDeviceType::other), "other");
}

TEST(GpuContext, PicksTheBestProbedDevice) {
    KZ_CONTEXT_OR_SKIP(ctx);
    auto devices = probe_vulkan_devices();
    ASSERT_TRUE(devices) << devices.error().message;
    // The first usable device in probe order is the chosen one (same name and type).
    EXPECT_EQ(ctx->caps().info.type, devices->front().type);
    EXPECT_NE(ctx->device(), VK_NULL_HANDLE);
    EXPECT_NE(ctx->queue(), VK_NULL_HANDLE);
}

TEST(GpuContext, RefusesSoftwareDeviceWhenAskedTo) {
    auto devices = probe_vulkan_devices();
    if (!devices) {
        GTEST_SKIP() << "no Vulkan driver: " << devices.error().message;
    }
    bool only_cpu = true;
    for (const auto& d : *devices) only_cpu = only_cpu && d.type == GpuDeviceType::cpu;
    if (!only_cpu) {
        GTEST_SKIP() << "a hardware device exists";
    }
    ContextParams params;
    params.allow_cpu_device = false;
    auto ctx = Context::create(params);
    ASSERT_FALSE(ctx);
    EXPECT_EQ(ctx.error().code, Errc::not_found);
    EXPECT_NE(ctx.error().message.find("software device not allowed"), std::string::npos)
        << ctx.error().message;
}

// Runs scale.comp (dst = src * scale + bias) on a width x height plane and compares with C++.
void check_scale_shader(Context& ctx, StoragePrecision precision, int width, int height,
                        uint32_t seed) {
    SCOPED_TRACE(testing::Message()
                 << "scale shader " << width << "x" << height << " "
                 << (precision == StoragePrecision::f16 ? "f16" : "f32") << " seed " << seed);
    const size_t n = static_cast<size_t>(width) * height;
    const size_t elem = precision == StoragePrecision::f16 ? 2 : 4;
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(0.0f, 1.0f);
    std::vector<float> src(n);
    for (auto& v : src) v = dist(rng);
    const float scale = 0.75f, bias = 0.125f;

    auto up = Buffer::create(ctx, {n * elem, BufferKind::upload});
    auto a = Buffer::create(ctx, {n * elem, BufferKind::device});
    auto b = Buffer::create(ctx, {n * elem, BufferKind::device});
    auto down = Buffer::create(ctx, {n * elem, BufferKind::download});
    ASSERT_TRUE(up && a && b && down);
    for (size_t i = 0; i < n; ++i) {
        if (elem == 2) {
            static_cast<uint16_t*>(up->mapped())[i] = float_to_half(src[i]);
        } else {
            static_cast<float*>(up->mapped())[i] = src[i];
        }
    }
    ASSERT_TRUE(up->flush());
    const uint32_t spec[] = {static_cast<uint32_t>(width), static_cast<uint32_t>(height)};
    ComputePipelineParams pp;
    pp.name = "scale";
    pp.spirv = shader_spirv("scale", precision);
    pp.buffer_count = 2;
    pp.push_constant_size = 8;
    pp.specialization = spec;
    pp.local_x = 8;
    pp.local_y = 8;
    auto pipe = ComputePipeline::create(ctx, pp);
    ASSERT_TRUE(pipe) << pipe.error().message;
    const VkBuffer bufs[] = {a->get(), b->get()};
    auto set = pipe->allocate_set(bufs);
    ASSERT_TRUE(set) << set.error().message;
    auto cmd = CommandBuffer::create(ctx);
    ASSERT_TRUE(cmd) << cmd.error().message;
    ASSERT_TRUE(cmd->begin());
    cmd->copy(*up, *a, n * elem);
    cmd->barrier_transfer_to_compute();
    const float push[] = {scale, bias};
    cmd->dispatch(*pipe, *set, std::as_bytes(std::span(push)), width, height);
    cmd->barrier_compute_to_transfer();
    cmd->copy(*b, *down, n * elem);
    cmd->barrier_transfer_to_host();
    ASSERT_TRUE(cmd->submit());
    ASSERT_TRUE(cmd->wait());
    ASSERT_TRUE(down->invalidate());
    const float tol = precision == StoragePrecision::f16 ? 2e-3f : 1e-6f;
    for (size_t i = 0; i < n; ++i) {
        const float got = elem == 2 ? half_to_float(static_cast<uint16_t*>(down->mapped())[i])
                                    : static_cast<float*>(down->mapped())[i];
        const float want = src[i] * scale + bias;
        ASSERT_NEAR(got, want, tol) << "at x=" << i % width << " y=" << i / width;
    }
}

TEST(GpuCompute, ScaleShaderMatchesCppFp32) {
    KZ_CONTEXT_OR_SKIP(ctx);
    for (auto [w, h] : {std::pair{67, 43}, {1, 1}, {17, 9}}) {
        check_scale_shader(*ctx, StoragePrecision::f32, w, h, 1234u + w);
    }
}

TEST(GpuCompute, ScaleShaderMatchesCppFp16) {
    KZ_CONTEXT_OR_SKIP(ctx);
    if (!ctx->fp16_enabled()) {
        GTEST_SKIP() << ctx->caps().info.name << " has no fp16 storage";
    }
    for (auto [w, h] : {std::pair{67, 43}, {1, 1}, {17, 9}}) {
        check_scale_shader(*ctx, StoragePrecision::f16, w, h, 99u + w);
    }
}

TEST(GpuResources, DestructionIsDeferredUntilSubmittedWorkCompletes) {
    KZ_CONTEXT_OR_SKIP(ctx);
    auto cmd = CommandBuffer::create(*ctx);
    ASSERT_TRUE(cmd);
    auto src = Buffer::create(*ctx, {1 << 20, BufferKind::device});
    auto dst = Buffer::create(*ctx, {1 << 20, BufferKind::device});
    ASSERT_TRUE(src && dst);
    ASSERT_TRUE(cmd->begin());
    for (int i = 0; i < 16; ++i) cmd->copy(*src, *dst, 1 << 20);
    auto serial = cmd->submit();
    ASSERT_TRUE(serial);
    {
        Buffer doomed = std::move(*src);  // destroyed while the copy may still run
    }
    if (!ctx->is_complete(*serial)) {
        EXPECT_EQ(ctx->pending_destructions(), 2u);  // buffer + memory wait for the fence
    }
    ASSERT_TRUE(ctx->wait(*serial));
    EXPECT_EQ(ctx->pending_destructions(), 0u);
    // With the GPU idle, destruction is immediate.
    { Buffer idle = std::move(*dst); }
    EXPECT_EQ(ctx->pending_destructions(), 0u);
}

TEST(GpuResources, BuffersGrowOnlyWhenTooSmall) {
    KZ_CONTEXT_OR_SKIP(ctx);
    Buffer b;
    ASSERT_TRUE(ensure_buffer(*ctx, &b, 4096, BufferKind::download));
    const VkBuffer first = b.get();
    ASSERT_TRUE(ensure_buffer(*ctx, &b, 1000, BufferKind::download));
    EXPECT_EQ(b.get(), first);
    ASSERT_TRUE(ensure_buffer(*ctx, &b, 8192, BufferKind::download));
    EXPECT_GE(b.size(), 8192u);
    ASSERT_NE(b.mapped(), nullptr);
    std::memset(b.mapped(), 0xab, 8192);  // ASan would flag a short mapping
}

TEST(GpuTimestamps, OrderedAndNonNegative) {
    KZ_CONTEXT_OR_SKIP(ctx);
    auto pool = TimestampPool::create(*ctx, 2);
    if (!pool) {
        GTEST_SKIP() << pool.error().message;
    }
    auto cmd = CommandBuffer::create(*ctx);
    auto src = Buffer::create(*ctx, {1 << 16, BufferKind::device});
    auto dst = Buffer::create(*ctx, {1 << 16, BufferKind::device});
    ASSERT_TRUE(cmd && src && dst);
    ASSERT_TRUE(cmd->begin());
    cmd->reset_timestamps(*pool);
    cmd->write_timestamp(*pool, 0);
    cmd->copy(*src, *dst, 1 << 16);
    cmd->write_timestamp(*pool, 1);
    ASSERT_TRUE(cmd->submit());
    ASSERT_TRUE(cmd->wait());
    uint64_t ticks[2] = {};
    ASSERT_TRUE(pool->read(ticks));
    const double ms = pool->ticks_to_ms(ticks[0], ticks[1]);
    EXPECT_GE(ms, 0.0);
    EXPECT_LT(ms, 10000.0);
}

}  // namespace
}  // namespace kizuna::gpu
