#include "gpu/swapchain.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "gpu/vk_check.hpp"

namespace kizuna::gpu {

namespace {

template <class Fn>
Fn device_fn(VkDevice device, const char* name) {
    return reinterpret_cast<Fn>(vkGetDeviceProcAddr(device, name));
}

Result<DeviceHandle<VkSemaphore>> make_semaphore(Context& context) {
    VkSemaphoreCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO;
    VkSemaphore s = VK_NULL_HANDLE;
    KZ_VK_CHECK(vkCreateSemaphore(context.device(), &info, nullptr, &s));
    return DeviceHandle<VkSemaphore>(context, s);
}

// Rank of a surface format: lower is better; -1 unusable.
int format_rank(const VkSurfaceFormatKHR& f) {
    if (f.colorSpace != VK_COLOR_SPACE_SRGB_NONLINEAR_KHR) return -1;
    switch (f.format) {
        case VK_FORMAT_B8G8R8A8_UNORM:
            return 0;
        case VK_FORMAT_R8G8B8A8_UNORM:
            return 1;
        case VK_FORMAT_B8G8R8A8_SRGB:
            return 2;
        case VK_FORMAT_R8G8B8A8_SRGB:
            return 3;
        default:
            return -1;
    }
}

}  // namespace

Result<std::unique_ptr<Swapchain>> Swapchain::create(Context& context, const Surface& surface,
                                                     int width, int height) {
    std::unique_ptr<Swapchain> s(new Swapchain(context, surface));
    const VkDevice d = context.device();
    s->create_ = device_fn<PFN_vkCreateSwapchainKHR>(d, "vkCreateSwapchainKHR");
    s->destroy_ = device_fn<PFN_vkDestroySwapchainKHR>(d, "vkDestroySwapchainKHR");
    s->get_images_ = device_fn<PFN_vkGetSwapchainImagesKHR>(d, "vkGetSwapchainImagesKHR");
    s->acquire_ = device_fn<PFN_vkAcquireNextImageKHR>(d, "vkAcquireNextImageKHR");
    s->present_ = device_fn<PFN_vkQueuePresentKHR>(d, "vkQueuePresentKHR");
    if (!s->create_ || !s->destroy_ || !s->get_images_ || !s->acquire_ || !s->present_) {
        return make_error(Errc::unsupported,
                          "Vulkan: the device has no VK_KHR_swapchain functions");
    }
    auto formats = surface.formats(context.physical_device());
    if (!formats) return std::move(formats).error();
    int best = -1;
    for (const VkSurfaceFormatKHR& f : *formats) {
        const int r = format_rank(f);
        if (r >= 0 && (best < 0 || r < best)) {
            best = r;
            s->format_ = f.format;
            s->color_space_ = f.colorSpace;
        }
    }
    if (best < 0) {
        return make_error(Errc::unsupported,
                          "Vulkan: the window offers no 8-bit RGBA or BGRA sRGB surface format");
    }
    s->bgra_ = s->format_ == VK_FORMAT_B8G8R8A8_UNORM || s->format_ == VK_FORMAT_B8G8R8A8_SRGB;
    auto modes = surface.present_modes(context.physical_device());
    if (!modes) return std::move(modes).error();
    if (std::find(modes->begin(), modes->end(), VK_PRESENT_MODE_MAILBOX_KHR) != modes->end()) {
        s->mode_ = VK_PRESENT_MODE_MAILBOX_KHR;
    }
    auto acquired = make_semaphore(context);
    if (!acquired) return std::move(acquired).error();
    s->acquired_ = std::move(*acquired);
    KZ_TRY(s->build(width, height));
    return s;
}

Swapchain::~Swapchain() {
    (void)context_.wait_idle();
    vkQueueWaitIdle(context_.queue());
    destroy_swapchain(swapchain_);
}

void Swapchain::destroy_swapchain(VkSwapchainKHR swapchain) noexcept {
    if (swapchain != VK_NULL_HANDLE) destroy_(context_.device(), swapchain, nullptr);
}

const char* Swapchain::present_mode_name() const noexcept {
    return mode_ == VK_PRESENT_MODE_MAILBOX_KHR ? "mailbox" : "fifo";
}

Result<void> Swapchain::build(int width, int height) {
    auto caps = surface_.capabilities(context_.physical_device());
    if (!caps) return std::move(caps).error();
    if (!(caps->supportedUsageFlags & VK_IMAGE_USAGE_TRANSFER_DST_BIT)) {
        return make_error(Errc::unsupported,
                          "Vulkan: the window's swapchain images cannot be copied into");
    }
    VkExtent2D extent = caps->currentExtent;
    if (extent.width == UINT32_MAX) {
        extent.width = std::clamp(static_cast<uint32_t>(std::max(width, 1)),
                                  caps->minImageExtent.width, caps->maxImageExtent.width);
        extent.height = std::clamp(static_cast<uint32_t>(std::max(height, 1)),
                                   caps->minImageExtent.height, caps->maxImageExtent.height);
    }
    uint32_t count = std::max(caps->minImageCount + 1, 3u);
    if (caps->maxImageCount > 0) count = std::min(count, caps->maxImageCount);

    VkSwapchainCreateInfoKHR info{};
    info.sType = VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR;
    info.surface = surface_.get();
    info.minImageCount = count;
    info.imageFormat = format_;
    info.imageColorSpace = color_space_;
    info.imageExtent = extent;
    info.imageArrayLayers = 1;
    info.imageUsage = VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    info.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
    info.preTransform = (caps->supportedTransforms & VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR)
                            ? VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR
                            : caps->currentTransform;
    info.compositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR;
    for (VkCompositeAlphaFlagBitsKHR a :
         {VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR, VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR,
          VK_COMPOSITE_ALPHA_PRE_MULTIPLIED_BIT_KHR, VK_COMPOSITE_ALPHA_POST_MULTIPLIED_BIT_KHR}) {
        if (caps->supportedCompositeAlpha & a) {
            info.compositeAlpha = a;
            break;
        }
    }
    info.presentMode = mode_;
    info.clipped = VK_TRUE;
    info.oldSwapchain = swapchain_;
    VkSwapchainKHR made = VK_NULL_HANDLE;
    KZ_VK_CHECK(create_(context_.device(), &info, nullptr, &made));
    destroy_swapchain(swapchain_);
    swapchain_ = made;
    extent_ = extent;

    uint32_t n = 0;
    KZ_VK_CHECK(get_images_(context_.device(), swapchain_, &n, nullptr));
    images_.resize(n);
    KZ_VK_CHECK(get_images_(context_.device(), swapchain_, &n, images_.data()));
    rendered_.clear();
    for (uint32_t i = 0; i < n; ++i) {
        auto s = make_semaphore(context_);
        if (!s) return std::move(s).error();
        rendered_.push_back(std::move(*s));
    }
    return {};
}

Result<void> Swapchain::recreate(int width, int height) {
    KZ_TRY(context_.wait_idle());
    KZ_VK_CHECK(vkQueueWaitIdle(context_.queue()));
    return build(width, height);
}

Result<bool> Swapchain::acquire(SwapchainImage& out) {
    uint32_t index = 0;
    const VkResult r = acquire_(context_.device(), swapchain_, UINT64_MAX, acquired_.get(),
                                VK_NULL_HANDLE, &index);
    if (r == VK_ERROR_OUT_OF_DATE_KHR) return false;
    if (r != VK_SUBOPTIMAL_KHR) KZ_VK_CHECK(r);
    out.index = index;
    out.image = images_[index];
    out.acquired = acquired_.get();
    out.rendered = rendered_[index].get();
    return true;
}

Result<bool> Swapchain::present(uint32_t index) {
    VkSemaphore wait = rendered_[index].get();
    VkPresentInfoKHR info{};
    info.sType = VK_STRUCTURE_TYPE_PRESENT_INFO_KHR;
    info.waitSemaphoreCount = 1;
    info.pWaitSemaphores = &wait;
    info.swapchainCount = 1;
    info.pSwapchains = &swapchain_;
    info.pImageIndices = &index;
    const VkResult r = present_(context_.queue(), &info);
    if (r == VK_ERROR_OUT_OF_DATE_KHR || r == VK_SUBOPTIMAL_KHR) return false;
    KZ_VK_CHECK(r);
    return true;
}

}  // namespace kizuna::gpu
