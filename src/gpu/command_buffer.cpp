#include "gpu/command_buffer.hpp"

#include <fmt/format.h>

#include <cassert>

#include "gpu/buffer.hpp"
#include "gpu/compute_pipeline.hpp"
#include "gpu/context.hpp"
#include "gpu/vk_check.hpp"

namespace kizuna::gpu {

Result<CommandBuffer> CommandBuffer::create(Context& context) {
    CommandBuffer out;
    out.context_ = &context;
    VkCommandPoolCreateInfo pool_info{};
    pool_info.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    pool_info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pool_info.queueFamilyIndex = context.queue_family();
    VkCommandPool pool = VK_NULL_HANDLE;
    KZ_VK_CHECK(vkCreateCommandPool(context.device(), &pool_info, nullptr, &pool));
    out.pool_ = DeviceHandle<VkCommandPool>(context, pool);
    VkCommandBufferAllocateInfo alloc{};
    alloc.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    alloc.commandPool = pool;
    alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    alloc.commandBufferCount = 1;
    KZ_VK_CHECK(vkAllocateCommandBuffers(context.device(), &alloc, &out.buffer_));
    return out;
}

Result<void> CommandBuffer::begin() {
    KZ_TRY(wait());
    KZ_VK_CHECK(vkResetCommandBuffer(buffer_, 0));
    VkCommandBufferBeginInfo info{};
    info.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
    info.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    KZ_VK_CHECK(vkBeginCommandBuffer(buffer_, &info));
    return {};
}

void CommandBuffer::dispatch(const ComputePipeline& pipeline, const DescriptorSet& set,
                             std::span<const std::byte> push_constants, uint32_t width,
                             uint32_t height) {
    const uint32_t gx = (width + pipeline.local_x() - 1) / pipeline.local_x();
    const uint32_t gy = (height + pipeline.local_y() - 1) / pipeline.local_y();
    dispatch_groups(pipeline, set, push_constants, gx, gy, 1);
}

void CommandBuffer::dispatch_groups(const ComputePipeline& pipeline, const DescriptorSet& set,
                                    std::span<const std::byte> push_constants, uint32_t groups_x,
                                    uint32_t groups_y, uint32_t groups_z) {
    assert(push_constants.size() == pipeline.push_constant_size());
    vkCmdBindPipeline(buffer_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.pipeline());
    VkDescriptorSet raw_set = set.get();
    vkCmdBindDescriptorSets(buffer_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout(), 0, 1,
                            &raw_set, 0, nullptr);
    if (!push_constants.empty()) {
        vkCmdPushConstants(buffer_, pipeline.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0,
                           static_cast<uint32_t>(push_constants.size()), push_constants.data());
    }
    vkCmdDispatch(buffer_, groups_x, groups_y, groups_z);
}

void CommandBuffer::copy_region(const Buffer& src, size_t src_offset, const Buffer& dst,
                                size_t dst_offset, size_t bytes) {
    VkBufferCopy region{src_offset, dst_offset, bytes};
    vkCmdCopyBuffer(buffer_, src.get(), dst.get(), 1, &region);
    Context::count_transfer(src.kind() == BufferKind::upload, dst.kind() == BufferKind::download,
                            bytes);
}

void CommandBuffer::copy(const Buffer& src, const Buffer& dst, size_t bytes) {
    copy_region(src, 0, dst, 0, bytes);
}

void CommandBuffer::barrier(VkPipelineStageFlags src_stage, VkAccessFlags src_access,
                            VkPipelineStageFlags dst_stage, VkAccessFlags dst_access) {
    VkMemoryBarrier b{};
    b.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
    b.srcAccessMask = src_access;
    b.dstAccessMask = dst_access;
    vkCmdPipelineBarrier(buffer_, src_stage, dst_stage, 0, 1, &b, 0, nullptr, 0, nullptr);
}

void CommandBuffer::barrier_compute_to_compute() {
    barrier(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
            VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
            VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
}

void CommandBuffer::barrier_transfer_to_compute() {
    barrier(VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
            VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
            VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
}

void CommandBuffer::barrier_compute_to_transfer() {
    barrier(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
            VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_READ_BIT);
}

void CommandBuffer::barrier_transfer_to_host() {
    barrier(VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
            VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
}

void CommandBuffer::write_timestamp(TimestampPool& pool, uint32_t index) {
    vkCmdWriteTimestamp(buffer_, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool.get(), index);
}

void CommandBuffer::reset_timestamps(TimestampPool& pool) {
    vkCmdResetQueryPool(buffer_, pool.get(), 0, pool.count());
}

Result<uint64_t> CommandBuffer::submit() {
    return submit(SubmitSync{});
}

Result<uint64_t> CommandBuffer::submit(const SubmitSync& sync) {
    KZ_VK_CHECK(vkEndCommandBuffer(buffer_));
    auto serial = context_->submit(buffer_, sync);
    if (!serial) return std::move(serial).error();
    last_serial_ = *serial;
    return last_serial_;
}

Result<void> CommandBuffer::wait() {
    if (last_serial_ == 0) return {};
    return context_->wait(last_serial_);
}

Result<TimestampPool> TimestampPool::create(Context& context, uint32_t count) {
    if (!context.caps().info.timestamps) {
        return make_error(Errc::unsupported,
                          fmt::format("Vulkan: '{}' has no timestamps on its compute queue",
                                      context.caps().info.name));
    }
    TimestampPool out;
    out.context_ = &context;
    out.count_ = count;
    out.period_ns_ = context.caps().timestamp_period_ns;
    const uint32_t bits = context.caps().timestamp_valid_bits;
    out.mask_ = bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    VkQueryPoolCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO;
    info.queryType = VK_QUERY_TYPE_TIMESTAMP;
    info.queryCount = count;
    VkQueryPool pool = VK_NULL_HANDLE;
    KZ_VK_CHECK(vkCreateQueryPool(context.device(), &info, nullptr, &pool));
    out.pool_ = DeviceHandle<VkQueryPool>(context, pool);
    return out;
}

Result<void> TimestampPool::read(std::span<uint64_t> ticks) {
    const uint32_t n = std::min<uint32_t>(count_, static_cast<uint32_t>(ticks.size()));
    KZ_VK_CHECK(vkGetQueryPoolResults(context_->device(), pool_.get(), 0, n, n * sizeof(uint64_t),
                                      ticks.data(), sizeof(uint64_t),
                                      VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
    return {};
}

double TimestampPool::ticks_to_ms(uint64_t begin, uint64_t end) const noexcept {
    const uint64_t delta = (end - begin) & mask_;
    return static_cast<double>(delta) * period_ns_ * 1e-6;
}

}  // namespace kizuna::gpu
