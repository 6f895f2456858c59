// Recording and submitting compute work: one command pool with one primary command buffer,
// re-recorded for each submission. begin() waits for the previous submission of this buffer
// (if any), so a caller never overwrites commands the GPU is still running.
#pragma once

#include "gpu/vk_api.hpp"

#include <cstdint>
#include <span>

#include "gpu/handle.hpp"
#include "kizuna/error.hpp"

namespace kizuna::gpu {

class Context;
class Buffer;
class ComputePipeline;
class DescriptorSet;
class TimestampPool;
struct SubmitSync;

// Move-only. Must not outlive its Context.
class CommandBuffer {
public:
    static Result<CommandBuffer> create(Context& context);
    CommandBuffer() = default;

    Result<void> begin();
    // Binds pipeline and set, pushes push_constants (size must equal the pipeline's push
    // constant size) and dispatches enough workgroups to cover width x height invocations.
    void dispatch(const ComputePipeline& pipeline, const DescriptorSet& set,
                  std::span<const std::byte> push_constants, uint32_t width, uint32_t height);
    // Binds pipeline and set, pushes push_constants (size as for dispatch()) and dispatches
    // exactly groups_x x groups_y x groups_z workgroups.
    void dispatch_groups(const ComputePipeline& pipeline, const DescriptorSet& set,
                         std::span<const std::byte> push_constants, uint32_t groups_x,
                         uint32_t groups_y, uint32_t groups_z);
    // Copies recorded from an upload buffer or into a download buffer are counted as the
    // context's host <-> device transfers (Context::transfers()).
    void copy(const Buffer& src, const Buffer& dst, size_t bytes);
    // Copies bytes from src at src_offset to dst at dst_offset (byte offsets, in range).
    void copy_region(const Buffer& src, size_t src_offset, const Buffer& dst, size_t dst_offset,
                     size_t bytes);
    // Execution + memory dependencies between the steps of one command buffer.
    void barrier_compute_to_compute();
    void barrier_transfer_to_compute();
    void barrier_compute_to_transfer();
    void barrier_transfer_to_host();
    void write_timestamp(TimestampPool& pool, uint32_t index);
    void reset_timestamps(TimestampPool& pool);
    // Ends and submits (with the semaphores of sync); returns the submission serial (see
    // Context::submit).
    Result<uint64_t> submit();
    Result<uint64_t> submit(const SubmitSync& sync);
    // Waits for the last submission of this buffer.
    Result<void> wait();

    VkCommandBuffer get() const noexcept { return buffer_; }

private:
    void barrier(VkPipelineStageFlags src_stage, VkAccessFlags src_access,
                 VkPipelineStageFlags dst_stage, VkAccessFlags dst_access);

    Context* context_ = nullptr;
    DeviceHandle<VkCommandPool> pool_;
    VkCommandBuffer buffer_ = VK_NULL_HANDLE;  // freed with pool_
    uint64_t last_serial_ = 0;
};

// A pool of GPU timestamps. Move-only.
class TimestampPool {
public:
    // Fails (unsupported) when the compute queue has no timestamps.
    static Result<TimestampPool> create(Context& context, uint32_t count);
    TimestampPool() = default;

    VkQueryPool get() const noexcept { return pool_.get(); }
    uint32_t count() const noexcept { return count_; }
    // Raw ticks of timestamps 0..ticks.size()-1 (at most count()) as written by the last
    // submission that wrote them. Call after waiting for that submission.
    Result<void> read(std::span<uint64_t> ticks);
    // Milliseconds from tick begin to tick end (wrap-around within the valid bits handled).
    double ticks_to_ms(uint64_t begin, uint64_t end) const noexcept;

private:
    Context* context_ = nullptr;
    DeviceHandle<VkQueryPool> pool_;
    uint32_t count_ = 0;
    double period_ns_ = 0;
    uint64_t mask_ = 0;
};

}  // namespace kizuna::gpu
