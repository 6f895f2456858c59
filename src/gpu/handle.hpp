// Move-only owners of Vulkan device objects. Destroying (or resetting) an owner hands the object
// to its Context, which frees it at once when the GPU is idle, or after every command buffer
// submitted so far has completed otherwise: an object still used by in-flight work is never
// freed under it. Owners must not outlive the Context that made them.
#pragma once

#include "gpu/vk_api.hpp"

#include <bit>
#include <cstdint>
#include <utility>

namespace kizuna::gpu {

class Context;

// How each owned type is destroyed. aux carries a parent handle where the API needs one
// (the descriptor pool of a descriptor set).
template <class T>
struct HandleTraits;

#define KZ_GPU_HANDLE_TRAITS(Type, destroy_call)                                \
    template <>                                                                 \
    struct HandleTraits<Type> {                                                 \
        static void destroy(VkDevice device, uint64_t raw, uint64_t) noexcept { \
            destroy_call(device, std::bit_cast<Type>(raw), nullptr);            \
        }                                                                       \
    };
KZ_GPU_HANDLE_TRAITS(VkBuffer, vkDestroyBuffer)
KZ_GPU_HANDLE_TRAITS(VkDeviceMemory, vkFreeMemory)
KZ_GPU_HANDLE_TRAITS(VkShaderModule, vkDestroyShaderModule)
KZ_GPU_HANDLE_TRAITS(VkPipeline, vkDestroyPipeline)
KZ_GPU_HANDLE_TRAITS(VkPipelineLayout, vkDestroyPipelineLayout)
KZ_GPU_HANDLE_TRAITS(VkDescriptorSetLayout, vkDestroyDescriptorSetLayout)
KZ_GPU_HANDLE_TRAITS(VkDescriptorPool, vkDestroyDescriptorPool)
KZ_GPU_HANDLE_TRAITS(VkCommandPool, vkDestroyCommandPool)
KZ_GPU_HANDLE_TRAITS(VkFence, vkDestroyFence)
KZ_GPU_HANDLE_TRAITS(VkQueryPool, vkDestroyQueryPool)
KZ_GPU_HANDLE_TRAITS(VkSemaphore, vkDestroySemaphore)
#undef KZ_GPU_HANDLE_TRAITS

template <>
struct HandleTraits<VkDescriptorSet> {
    static void destroy(VkDevice device, uint64_t raw, uint64_t pool) noexcept {
        VkDescriptorSet set = std::bit_cast<VkDescriptorSet>(raw);
        vkFreeDescriptorSets(device, std::bit_cast<VkDescriptorPool>(pool), 1, &set);
    }
};

using DestroyFn = void (*)(VkDevice, uint64_t, uint64_t) noexcept;

// Implemented in context.cpp; the owner template below only forwards to it.
void retire_handle(Context& context, DestroyFn destroy, uint64_t raw, uint64_t aux) noexcept;

template <class T>
class DeviceHandle {
public:
    DeviceHandle() = default;
    // Takes ownership of handle (may be VK_NULL_HANDLE). aux: see HandleTraits.
    DeviceHandle(Context& context, T handle, uint64_t aux = 0) noexcept
        : context_(&context), handle_(handle), aux_(aux) {}
    ~DeviceHandle() { reset(); }

    DeviceHandle(DeviceHandle&& other) noexcept
        : context_(other.context_),
          handle_(std::exchange(other.handle_, VK_NULL_HANDLE)),
          aux_(other.aux_) {}
    DeviceHandle& operator=(DeviceHandle&& other) noexcept {
        if (this != &other) {
            reset();
            context_ = other.context_;
            handle_ = std::exchange(other.handle_, VK_NULL_HANDLE);
            aux_ = other.aux_;
        }
        return *this;
    }
    DeviceHandle(const DeviceHandle&) = delete;
    DeviceHandle& operator=(const DeviceHandle&) = delete;

    T get() const noexcept { return handle_; }
    explicit operator bool() const noexcept { return handle_ != VK_NULL_HANDLE; }

    // Hands the object to the context for (possibly deferred) destruction.
    void reset() noexcept {
        if (handle_ != VK_NULL_HANDLE) {
            retire_handle(*context_, &HandleTraits<T>::destroy, std::bit_cast<uint64_t>(handle_),
                          aux_);
            handle_ = VK_NULL_HANDLE;
        }
    }

private:
    Context* context_ = nullptr;
    T handle_ = VK_NULL_HANDLE;
    uint64_t aux_ = 0;
};

}  // namespace kizuna::gpu
