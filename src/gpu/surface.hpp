// A window's VkSurfaceKHR and the window-system (WSI) functions that query and present to it.
// The surface is made by the host's window system (SDL, GLFW...) on our instance; this object
// owns it and keeps the instance alive until the surface is destroyed. The KHR functions are
// loaded through vkGetInstanceProcAddr / vkGetDeviceProcAddr, so nothing here depends on how
// the core Vulkan functions are linked.
#pragma once

#include "gpu/vk_api.hpp"

#include <memory>
#include <vector>

#include "gpu/instance.hpp"
#include "kizuna/error.hpp"

namespace kizuna::gpu {

// Instance-level surface functions.
struct SurfaceFunctions {
    PFN_vkDestroySurfaceKHR destroy = nullptr;
    PFN_vkGetPhysicalDeviceSurfaceSupportKHR support = nullptr;
    PFN_vkGetPhysicalDeviceSurfaceCapabilitiesKHR capabilities = nullptr;
    PFN_vkGetPhysicalDeviceSurfaceFormatsKHR formats = nullptr;
    PFN_vkGetPhysicalDeviceSurfacePresentModesKHR present_modes = nullptr;
};

// Move-only owner of a VkSurfaceKHR.
class Surface {
public:
    // Takes ownership of `surface`, made on `instance` (which must have been created with the
    // window system's surface extensions). Fails (unsupported) when the instance lacks
    // VK_KHR_surface's functions; the surface is destroyed then.
    static Result<Surface> adopt(std::shared_ptr<Instance> instance, VkSurfaceKHR surface);
    Surface() = default;
    ~Surface();
    Surface(Surface&& other) noexcept;
    Surface& operator=(Surface&& other) noexcept;
    Surface(const Surface&) = delete;
    Surface& operator=(const Surface&) = delete;

    VkSurfaceKHR get() const noexcept { return surface_; }
    // Whether queue family `family` of `device` can present to this surface.
    bool can_present(VkPhysicalDevice device, uint32_t family) const;
    Result<VkSurfaceCapabilitiesKHR> capabilities(VkPhysicalDevice device) const;
    Result<std::vector<VkSurfaceFormatKHR>> formats(VkPhysicalDevice device) const;
    Result<std::vector<VkPresentModeKHR>> present_modes(VkPhysicalDevice device) const;

private:
    void release() noexcept;

    std::shared_ptr<Instance> instance_;
    VkSurfaceKHR surface_ = VK_NULL_HANDLE;
    SurfaceFunctions fn_;
};

}  // namespace kizuna::gpu
