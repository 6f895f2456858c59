// A swapchain on a window's surface whose images are filled by transfer (a buffer copied into
// the acquired image), then presented. Recreated when the window's size changes or the surface
// reports it out of date. Not thread safe (as the Context it belongs to).
#pragma once

#include "gpu/vk_api.hpp"

#include <cstdint>
#include <memory>
#include <vector>

#include "gpu/context.hpp"
#include "gpu/handle.hpp"
#include "gpu/surface.hpp"
#include "kizuna/error.hpp"

namespace kizuna::gpu {

// An acquired image.
struct SwapchainImage {
    uint32_t index = 0;
    VkImage image = VK_NULL_HANDLE;
    VkSemaphore acquired = VK_NULL_HANDLE;  // signalled when the image may be written
    VkSemaphore rendered = VK_NULL_HANDLE;  // to signal when it is written: present() waits on it
};

class Swapchain {
public:
    // A swapchain for `surface` on context's device (whose queue must be able to present to it),
    // width x height pixels where the surface leaves the size to us. Formats: 8-bit B8G8R8A8 or
    // R8G8B8A8 (UNORM preferred, SRGB accepted: bytes are copied, never converted); present
    // mode MAILBOX when offered, else FIFO. Fails (unsupported, naming the reason) when the
    // images cannot be transfer destinations or no such format exists.
    static Result<std::unique_ptr<Swapchain>> create(Context& context, const Surface& surface,
                                                     int width, int height);
    ~Swapchain();  // waits for the device
    Swapchain(const Swapchain&) = delete;
    Swapchain& operator=(const Swapchain&) = delete;

    // Makes the images again for a window of width x height (waits for the device first).
    Result<void> recreate(int width, int height);
    // Acquires the next image. false: the swapchain is out of date (recreate, then try again).
    Result<bool> acquire(SwapchainImage& out);
    // Presents image `index` once its `rendered` semaphore is signalled. false: out of date or
    // suboptimal (recreate before the next frame).
    Result<bool> present(uint32_t index);

    VkExtent2D extent() const noexcept { return extent_; }
    VkFormat format() const noexcept { return format_; }
    // Bytes of a pixel in memory are B, G, R, A (else R, G, B, A).
    bool bgra() const noexcept { return bgra_; }
    const char* present_mode_name() const noexcept;
    size_t image_count() const noexcept { return images_.size(); }

private:
    Swapchain(Context& context, const Surface& surface) noexcept
        : context_(context), surface_(surface) {}
    Result<void> build(int width, int height);
    void destroy_swapchain(VkSwapchainKHR swapchain) noexcept;

    Context& context_;
    const Surface& surface_;
    PFN_vkCreateSwapchainKHR create_ = nullptr;
    PFN_vkDestroySwapchainKHR destroy_ = nullptr;
    PFN_vkGetSwapchainImagesKHR get_images_ = nullptr;
    PFN_vkAcquireNextImageKHR acquire_ = nullptr;
    PFN_vkQueuePresentKHR present_ = nullptr;
    VkSwapchainKHR swapchain_ = VK_NULL_HANDLE;
    VkExtent2D extent_{};
    VkFormat format_ = VK_FORMAT_UNDEFINED;
    VkColorSpaceKHR color_space_ = VK_COLOR_SPACE_SRGB_NONLINEAR_KHR;
    VkPresentModeKHR mode_ = VK_PRESENT_MODE_FIFO_KHR;
    bool bgra_ = false;
    std::vector<VkImage> images_;
    DeviceHandle<VkSemaphore> acquired_;
    // One per image: a semaphore waited on by a present is reused only after that image comes
    // back from acquire, i.e. after the present that waited on it.
    std::vector<DeviceHandle<VkSemaphore>> rendered_;
};

}  // namespace kizuna::gpu
