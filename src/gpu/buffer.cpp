#include "gpu/buffer.hpp"

#include <fmt/format.h>

#include "gpu/context.hpp"
#include "gpu/device_alloc_fault.hpp"
#include "gpu/vk_check.hpp"

namespace kizuna::gpu {
namespace {

// All of `memory`, for vkInvalidateMappedMemoryRanges / vkFlushMappedMemoryRanges.
VkMappedMemoryRange whole_range(VkDeviceMemory memory) {
    VkMappedMemoryRange range{};
    range.sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE;
    range.memory = memory;
    range.size = VK_WHOLE_SIZE;
    return range;
}

}  // namespace

Result<Buffer> Buffer::create(Context& context, const BufferParams& params) {
    if (params.size == 0) {
        return make_error(Errc::invalid_argument, "Vulkan: buffer size must be > 0");
    }
    VkBufferCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
    info.size = params.size;
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    VkMemoryPropertyFlags required = 0, preferred = 0;
    switch (params.kind) {
        case BufferKind::device:
            info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                         VK_BUFFER_USAGE_TRANSFER_DST_BIT;
            required = preferred = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
            break;
        case BufferKind::upload:
            info.usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
            required = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
            preferred = required | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
            break;
        case BufferKind::download:
            info.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
            required = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
            preferred = required | VK_MEMORY_PROPERTY_HOST_CACHED_BIT |
                        VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
            break;
    }
    Buffer out;
    out.context_ = &context;
    out.size_ = params.size;
    out.kind_ = params.kind;
    VkBuffer raw = VK_NULL_HANDLE;
    KZ_VK_CHECK(vkCreateBuffer(context.device(), &info, nullptr, &raw));
    out.buffer_ = DeviceHandle<VkBuffer>(context, raw);

    VkMemoryRequirements req{};
    vkGetBufferMemoryRequirements(context.device(), raw, &req);
    auto type = context.find_memory_type(req.memoryTypeBits, required, preferred);
    if (!type && params.kind == BufferKind::device) {
        type = context.find_memory_type(req.memoryTypeBits, 0, 0);  // any memory will do
    }
    if (!type) return std::move(type).error();
    VkMemoryAllocateInfo alloc{};
    alloc.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    alloc.allocationSize = req.size;
    alloc.memoryTypeIndex = *type;
    VkDeviceMemory memory = VK_NULL_HANDLE;
    if (params.kind == BufferKind::device && device_allocation_should_fail(req.size))
        return vk_error(VK_ERROR_OUT_OF_DEVICE_MEMORY, "vkAllocateMemory (injected by a test)");
    KZ_VK_CHECK(vkAllocateMemory(context.device(), &alloc, nullptr, &memory));
    out.memory_ = DeviceHandle<VkDeviceMemory>(context, memory);
    KZ_VK_CHECK(vkBindBufferMemory(context.device(), raw, memory, 0));

    VkPhysicalDeviceMemoryProperties props{};
    vkGetPhysicalDeviceMemoryProperties(context.physical_device(), &props);
    const VkMemoryPropertyFlags flags = props.memoryTypes[*type].propertyFlags;
    out.coherent_ = (flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) != 0;
    if (params.kind != BufferKind::device) {
        KZ_VK_CHECK(vkMapMemory(context.device(), memory, 0, VK_WHOLE_SIZE, 0, &out.mapped_));
    }
    return out;
}

Result<void> Buffer::invalidate() {
    if (coherent_ || !mapped_) return {};
    const VkMappedMemoryRange range = whole_range(memory_.get());
    KZ_VK_CHECK(vkInvalidateMappedMemoryRanges(context_->device(), 1, &range));
    return {};
}

Result<void> Buffer::flush() {
    if (coherent_ || !mapped_) return {};
    const VkMappedMemoryRange range = whole_range(memory_.get());
    KZ_VK_CHECK(vkFlushMappedMemoryRanges(context_->device(), 1, &range));
    return {};
}

Result<void> ensure_buffer(Context& context, Buffer* buffer, size_t size, BufferKind kind) {
    if (*buffer && buffer->size() >= size) return {};
    auto b = Buffer::create(context, {size, kind});
    if (!b) return std::move(b).error();
    *buffer = std::move(*b);
    return {};
}

}  // namespace kizuna::gpu
