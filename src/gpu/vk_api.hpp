// The Vulkan API as KizunaSR calls it: the loader (libvulkan.so.1) is opened at run time, so a
// machine without it starts and says "no Vulkan loader (...)" wherever Vulkan would be used.
// Nothing links libvulkan. Include this header instead of <vulkan/vulkan.h>: it declares one
// global function pointer per command KizunaSR uses, named as the command (vkCreateInstance,
// vkCmdDispatch, ...), so calling code reads as plain Vulkan.
//
// Loading, in three steps, each done once per process and thread safe:
//   1. load_vulkan_loader(): dlopen the loader (KIZUNA_VULKAN_LOADER names another file, e.g.
//      a path that does not exist to test the no-loader path), vkGetInstanceProcAddr, then the
//      global commands (vkCreateInstance, ...). Instance::create() calls it.
//   2. load_vulkan_instance_functions(instance): every instance- and device-level command,
//      through vkGetInstanceProcAddr(instance). Device-level commands are taken from there too
//      (the loader's trampolines, which dispatch on the VkDevice / VkQueue / VkCommandBuffer
//      they are given), not from vkGetDeviceProcAddr: several Contexts on different devices,
//      possibly of different drivers, live in one process, and one set of global pointers
//      cannot hold per-device entry points.
//   3. Optional commands (the window-system ones: VK_KHR_surface, VK_KHR_swapchain) are null
//      when the loader or the instance lacks them; step 2 tries again for each new instance
//      until they are found. Callers check them before use (vk_surface_functions_loaded()).
// The pointers are never cleared and the loader is never closed, so a pointer once loaded stays
// valid for the life of the process.
#pragma once

#ifndef VK_NO_PROTOTYPES
#define VK_NO_PROTOTYPES
#endif
#include <vulkan/vulkan.h>

#include "kizuna/error.hpp"

// Global commands: vkGetInstanceProcAddr(nullptr, name).
#define KZ_VK_GLOBAL_FUNCTIONS(X)             \
    X(vkCreateInstance)                       \
    X(vkEnumerateInstanceExtensionProperties) \
    X(vkEnumerateInstanceLayerProperties)

// Instance-level commands, Vulkan 1.0 and 1.1 core (KizunaSR asks for Vulkan 1.2).
#define KZ_VK_INSTANCE_FUNCTIONS(X)             \
    X(vkDestroyInstance)                        \
    X(vkEnumeratePhysicalDevices)               \
    X(vkGetPhysicalDeviceProperties)            \
    X(vkGetPhysicalDeviceProperties2)           \
    X(vkGetPhysicalDeviceFeatures2)             \
    X(vkGetPhysicalDeviceQueueFamilyProperties) \
    X(vkGetPhysicalDeviceMemoryProperties)      \
    X(vkGetPhysicalDeviceMemoryProperties2)     \
    X(vkEnumerateDeviceExtensionProperties)     \
    X(vkCreateDevice)                           \
    X(vkGetDeviceProcAddr)

// Instance-level commands of VK_KHR_surface: null unless an instance enabled the extension.
#define KZ_VK_SURFACE_FUNCTIONS(X)               \
    X(vkGetPhysicalDeviceSurfaceSupportKHR)      \
    X(vkGetPhysicalDeviceSurfaceCapabilitiesKHR) \
    X(vkGetPhysicalDeviceSurfaceFormatsKHR)      \
    X(vkGetPhysicalDeviceSurfacePresentModesKHR) \
    X(vkDestroySurfaceKHR)

// Device-level commands, Vulkan 1.0 core.
#define KZ_VK_DEVICE_FUNCTIONS(X)     \
    X(vkDestroyDevice)                \
    X(vkGetDeviceQueue)               \
    X(vkDeviceWaitIdle)               \
    X(vkQueueSubmit)                  \
    X(vkQueueWaitIdle)                \
    X(vkCreateFence)                  \
    X(vkDestroyFence)                 \
    X(vkWaitForFences)                \
    X(vkResetFences)                  \
    X(vkGetFenceStatus)               \
    X(vkCreateSemaphore)              \
    X(vkDestroySemaphore)             \
    X(vkCreateBuffer)                 \
    X(vkDestroyBuffer)                \
    X(vkGetBufferMemoryRequirements)  \
    X(vkBindBufferMemory)             \
    X(vkCreateImage)                  \
    X(vkDestroyImage)                 \
    X(vkGetImageMemoryRequirements)   \
    X(vkBindImageMemory)              \
    X(vkCreateImageView)              \
    X(vkDestroyImageView)             \
    X(vkAllocateMemory)               \
    X(vkFreeMemory)                   \
    X(vkMapMemory)                    \
    X(vkUnmapMemory)                  \
    X(vkFlushMappedMemoryRanges)      \
    X(vkInvalidateMappedMemoryRanges) \
    X(vkCreateShaderModule)           \
    X(vkDestroyShaderModule)          \
    X(vkCreateComputePipelines)       \
    X(vkDestroyPipeline)              \
    X(vkCreatePipelineLayout)         \
    X(vkDestroyPipelineLayout)        \
    X(vkCreateDescriptorSetLayout)    \
    X(vkDestroyDescriptorSetLayout)   \
    X(vkCreateDescriptorPool)         \
    X(vkDestroyDescriptorPool)        \
    X(vkAllocateDescriptorSets)       \
    X(vkFreeDescriptorSets)           \
    X(vkUpdateDescriptorSets)         \
    X(vkCreateCommandPool)            \
    X(vkDestroyCommandPool)           \
    X(vkAllocateCommandBuffers)       \
    X(vkFreeCommandBuffers)           \
    X(vkBeginCommandBuffer)           \
    X(vkEndCommandBuffer)             \
    X(vkResetCommandBuffer)           \
    X(vkCreateQueryPool)              \
    X(vkDestroyQueryPool)             \
    X(vkGetQueryPoolResults)          \
    X(vkCmdBindPipeline)              \
    X(vkCmdBindDescriptorSets)        \
    X(vkCmdPushConstants)             \
    X(vkCmdDispatch)                  \
    X(vkCmdPipelineBarrier)           \
    X(vkCmdCopyBuffer)                \
    X(vkCmdCopyBufferToImage)         \
    X(vkCmdCopyImageToBuffer)         \
    X(vkCmdBlitImage)                 \
    X(vkCmdFillBuffer)                \
    X(vkCmdResetQueryPool)            \
    X(vkCmdWriteTimestamp)

// Device-level commands of VK_KHR_swapchain: null when the loader lacks them.
#define KZ_VK_SWAPCHAIN_FUNCTIONS(X) \
    X(vkCreateSwapchainKHR)          \
    X(vkDestroySwapchainKHR)         \
    X(vkGetSwapchainImagesKHR)       \
    X(vkAcquireNextImageKHR)         \
    X(vkQueuePresentKHR)

// Hidden: the pointers carry the commands' own names, and must never be exported where a
// loaded libvulkan or driver could bind its calls to them.
#define KZ_VK_DECLARE(name) extern __attribute__((visibility("hidden"))) PFN_##name name;
KZ_VK_DECLARE(vkGetInstanceProcAddr)
KZ_VK_GLOBAL_FUNCTIONS(KZ_VK_DECLARE)
KZ_VK_INSTANCE_FUNCTIONS(KZ_VK_DECLARE)
KZ_VK_SURFACE_FUNCTIONS(KZ_VK_DECLARE)
KZ_VK_DEVICE_FUNCTIONS(KZ_VK_DECLARE)
KZ_VK_SWAPCHAIN_FUNCTIONS(KZ_VK_DECLARE)
#undef KZ_VK_DECLARE

namespace kizuna::gpu {

// The environment variable that names the loader file instead of libvulkan.so.1.
inline constexpr const char* kVulkanLoaderEnv = "KIZUNA_VULKAN_LOADER";

// Opens the loader and loads the global commands, once per process; later calls return the
// first call's result. Errors: unsupported "no Vulkan loader (<file>: <dlerror text>)", or
// "the Vulkan loader <file> lacks <command>". Thread safe.
Result<void> load_vulkan_loader();

// Loads the instance- and device-level commands through vkGetInstanceProcAddr(instance) (the
// first instance only; the optional ones again for every instance until found). Errors:
// unsupported naming a required command the loader does not give. Thread safe.
Result<void> load_vulkan_instance_functions(VkInstance instance);

// True when every VK_KHR_surface / VK_KHR_swapchain command is loaded.
bool vk_surface_functions_loaded() noexcept;
bool vk_swapchain_functions_loaded() noexcept;

// Tests only: tries to open `file` as a Vulkan loader without touching the process's loader
// or pointers, and returns the error load_vulkan_loader() would give for it (or success).
Result<void> try_open_vulkan_loader(const char* file);

}  // namespace kizuna::gpu
