// The Vulkan side of the stages: device frames, and a dispatcher that turns (shader,
// specialization constants, buffers, push constants) into a cached pipeline + descriptor set and
// records the dispatch. Every device buffer the stages use is allocated through VkKernels, so a
// cached descriptor set never outlives a buffer it names. Not thread safe (one frame at a time,
// like the Context).
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "gpu/buffer.hpp"
#include "gpu/command_buffer.hpp"
#include "gpu/compute_pipeline.hpp"
#include "gpu/context.hpp"
#include "gpu/shader_library.hpp"
#include "kizuna/error.hpp"
#include "kizuna/image.hpp"

namespace kizuna::stages::vk {

// A frame on the device: planes R, G, B, A of width * height values each, tight rows, plane p
// at element p * width * height, at the kernels' storage precision (fp16 or fp32).
struct GpuFrame {
    gpu::Buffer buffer;
    int width = 0, height = 0;
};

// Stage 2's output on the device: fp32 planes gx, gy, magnitude, luma (layout as GpuFrame) and
// one uint32 PixelClass per pixel.
struct GpuFeatures {
    gpu::Buffer planes;
    gpu::Buffer cls;
    int width = 0, height = 0;
};

// Bytes of an interleaved image of format with tight rows, rounded up to 4 (device buffers hold
// uint32 words): the layout of stage 1's RGBA input and of packing's output on the device.
size_t packed_bytes(int width, int height, PixelFormat format) noexcept;

// format as the kFormat specialization constant of shaders/unpack.comp and pack.comp: 0 rgba8,
// 1 rgba16f, 2 rgba32f.
uint32_t format_code(PixelFormat format) noexcept;

class VkKernels {
public:
    // precision f16 needs a context with fp16_enabled().
    static Result<std::unique_ptr<VkKernels>> create(gpu::Context& context,
                                                     gpu::StoragePrecision precision);

    gpu::Context& context() const noexcept { return *context_; }
    gpu::StoragePrecision precision() const noexcept { return precision_; }
    // Bytes per stored frame value (2 or 4).
    size_t value_size() const noexcept { return precision_ == gpu::StoragePrecision::f16 ? 2 : 4; }

    // Size the frame / feature map / buffer; device memory is re-allocated only when it grows.
    Result<void> ensure_frame(GpuFrame& frame, int width, int height);
    Result<void> ensure_features(GpuFeatures& features, int width, int height);
    Result<void> ensure_buffer(gpu::Buffer& buffer, size_t bytes, gpu::BufferKind kind);

    // Drops every cached descriptor set. Call before destroying a buffer that was bound in a
    // dispatch other than through ensure_*() (a new buffer could reuse its handle).
    void forget_sets() noexcept { sets_.clear(); }

    // Records a dispatch of `shader` (a string with static storage, e.g. a literal) covering width
    // x height invocations. spec: values of constant ids 2, 3, ... (at most 8); buffers: bindings
    // 0, 1, ... (at most 6). push: the push constant bytes (empty when the shader has none).
    Result<void> dispatch_raw(gpu::CommandBuffer& cmd, std::string_view shader,
                              std::initializer_list<uint32_t> spec,
                              std::initializer_list<VkBuffer> buffers,
                              std::span<const std::byte> push, uint32_t width, uint32_t height,
                              uint32_t local_x = 16, uint32_t local_y = 16);
    // push: a struct of 32-bit scalars laid out as the shader's push_constant block.
    template <class Push>
    Result<void> dispatch(gpu::CommandBuffer& cmd, std::string_view shader,
                          std::initializer_list<uint32_t> spec,
                          std::initializer_list<VkBuffer> buffers, const Push& push, uint32_t width,
                          uint32_t height, uint32_t local_x = 16, uint32_t local_y = 16) {
        static_assert(std::is_trivially_copyable_v<Push> && sizeof(Push) % 4 == 0);
        return dispatch_raw(
            cmd, shader, spec, buffers,
            std::span<const std::byte>(reinterpret_cast<const std::byte*>(&push), sizeof(Push)),
            width, height, local_x, local_y);
    }

    // Queues a host -> device copy of words into dst (which must be large enough). The staging
    // memory is allocated here (callers do this on size changes only). record_uploads() records
    // the queued copies followed by a transfer -> compute barrier.
    Result<void> queue_upload(std::span<const uint32_t> words, const gpu::Buffer& dst);
    void record_uploads(gpu::CommandBuffer& cmd);
    // Call after submitting the command buffer that recorded the uploads: their staging
    // buffers are released once that submission completes.
    void release_uploads() noexcept { staging_.clear(); }

    // Number of pipelines and descriptor sets created so far (steady state adds none).
    size_t pipelines_created() const noexcept { return pipelines_created_; }
    size_t sets_created() const noexcept { return sets_created_; }
    // Device/host buffers (re)allocated by ensure_*() so far.
    size_t buffers_allocated() const noexcept { return buffers_allocated_; }

private:
    VkKernels() = default;

    struct PipelineKey {
        std::string_view shader;
        std::array<uint32_t, 8> spec{};
        uint32_t spec_count = 0, local_x = 0, local_y = 0, buffers = 0, push = 0;
        auto operator<=>(const PipelineKey&) const = default;
    };
    struct SetKey {
        VkPipeline pipeline = VK_NULL_HANDLE;
        std::array<VkBuffer, 6> buffers{};
        auto operator<=>(const SetKey&) const = default;
    };
    struct PendingUpload {
        size_t staging;  // index into staging_
        const gpu::Buffer* dst;
        size_t bytes;
    };

    gpu::Context* context_ = nullptr;
    gpu::StoragePrecision precision_ = gpu::StoragePrecision::f32;
    // Sets are declared after pipelines so they are destroyed first.
    std::map<PipelineKey, gpu::ComputePipeline> pipelines_;
    std::map<SetKey, gpu::DescriptorSet> sets_;
    std::vector<gpu::Buffer> staging_;
    std::vector<PendingUpload> pending_;
    size_t pipelines_created_ = 0, sets_created_ = 0, buffers_allocated_ = 0;
};

}  // namespace kizuna::stages::vk
