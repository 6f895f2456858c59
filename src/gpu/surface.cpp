#include "gpu/surface.hpp"

#include <utility>

#include "gpu/vk_check.hpp"

namespace kizuna::gpu {

namespace {

template <class Fn>
Fn instance_fn(VkInstance instance, const char* name) {
    return reinterpret_cast<Fn>(vkGetInstanceProcAddr(instance, name));
}

}  // namespace

Result<Surface> Surface::adopt(std::shared_ptr<Instance> instance, VkSurfaceKHR surface) {
    Surface s;
    s.instance_ = std::move(instance);
    s.surface_ = surface;
    const VkInstance vi = s.instance_->get();
    s.fn_.destroy = instance_fn<PFN_vkDestroySurfaceKHR>(vi, "vkDestroySurfaceKHR");
    s.fn_.support = instance_fn<PFN_vkGetPhysicalDeviceSurfaceSupportKHR>(
        vi, "vkGetPhysicalDeviceSurfaceSupportKHR");
    s.fn_.capabilities = instance_fn<PFN_vkGetPhysicalDeviceSurfaceCapabilitiesKHR>(
        vi, "vkGetPhysicalDeviceSurfaceCapabilitiesKHR");
    s.fn_.formats = instance_fn<PFN_vkGetPhysicalDeviceSurfaceFormatsKHR>(
        vi, "vkGetPhysicalDeviceSurfaceFormatsKHR");
    s.fn_.present_modes = instance_fn<PFN_vkGetPhysicalDeviceSurfacePresentModesKHR>(
        vi, "vkGetPhysicalDeviceSurfacePresentModesKHR");
    if (!s.fn_.destroy || !s.fn_.support || !s.fn_.capabilities || !s.fn_.formats ||
        !s.fn_.present_modes) {
        return make_error(Errc::unsupported,
                          "Vulkan: the instance has no VK_KHR_surface functions");
    }
    return s;
}

Surface::~Surface() {
    release();
}

Surface::Surface(Surface&& other) noexcept
    : instance_(std::move(other.instance_)),
      surface_(std::exchange(other.surface_, VK_NULL_HANDLE)),
      fn_(other.fn_) {}

Surface& Surface::operator=(Surface&& other) noexcept {
    if (this != &other) {
        release();
        instance_ = std::move(other.instance_);
        surface_ = std::exchange(other.surface_, VK_NULL_HANDLE);
        fn_ = other.fn_;
    }
    return *this;
}

void Surface::release() noexcept {
    if (surface_ != VK_NULL_HANDLE && fn_.destroy != nullptr) {
        fn_.destroy(instance_->get(), surface_, nullptr);
    }
    surface_ = VK_NULL_HANDLE;
    instance_.reset();
}

bool Surface::can_present(VkPhysicalDevice device, uint32_t family) const {
    VkBool32 ok = VK_FALSE;
    return fn_.support(device, family, surface_, &ok) == VK_SUCCESS && ok == VK_TRUE;
}

Result<VkSurfaceCapabilitiesKHR> Surface::capabilities(VkPhysicalDevice device) const {
    VkSurfaceCapabilitiesKHR caps{};
    KZ_VK_CHECK(fn_.capabilities(device, surface_, &caps));
    return caps;
}

Result<std::vector<VkSurfaceFormatKHR>> Surface::formats(VkPhysicalDevice device) const {
    uint32_t n = 0;
    KZ_VK_CHECK(fn_.formats(device, surface_, &n, nullptr));
    std::vector<VkSurfaceFormatKHR> out(n);
    KZ_VK_CHECK(fn_.formats(device, surface_, &n, out.data()));
    out.resize(n);
    return out;
}

Result<std::vector<VkPresentModeKHR>> Surface::present_modes(VkPhysicalDevice device) const {
    uint32_t n = 0;
    KZ_VK_CHECK(fn_.present_modes(device, surface_, &n, nullptr));
    std::vector<VkPresentModeKHR> out(n);
    KZ_VK_CHECK(fn_.present_modes(device, surface_, &n, out.data()));
    out.resize(n);
    return out;
}

}  // namespace kizuna::gpu
