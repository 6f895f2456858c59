// The real-time preview shown in a window through a Vulkan swapchain. Frames run through the
// Vulkan stages into pictures that stay on the device; present() composes one there (the
// comparison split with an AI picture uploaded once, translucent RGBA8 text layers uploaded only
// when they change) and copies it, letterboxed, into the window's swapchain image. Nothing of the
// output picture comes back to the CPU unless read_shown() asks for it.
//
// No window-system or Vulkan type appears here: the host's window system (SDL, GLFW, ...) makes
// the surface through DisplaySurface's callbacks on the instance the library creates.
//
//   auto d = kizuna::DisplayPreview::create(profile, {.scale = 2}, surface);
//   d->process(frame.view(), 0);            // e.g. on a decoding thread
//   d->present({.slot = 0});                // on the window's thread
//
// Thread safety: every member may be called from any thread; calls are serialized inside (a
// process() running holds off a present(), and the other way round). Move-only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"

namespace kizuna {

// What the host's window system provides.
struct DisplaySurface {
    // Vulkan instance extensions the window system needs (SDL_Vulkan_GetInstanceExtensions).
    std::vector<std::string> instance_extensions;
    // Makes the window's VkSurfaceKHR on `vk_instance` (a VkInstance) and returns the surface
    // handle's bits (non-zero). Called once, from create(); the DisplayPreview destroys the
    // surface (before the instance). Required.
    std::function<Result<uint64_t>(void* vk_instance)> create_surface;
    // The window's drawable size in pixels now (SDL_Vulkan_GetDrawableSize). Called from
    // create() and present(); 0 x 0 (minimized) makes present() show nothing. Required.
    std::function<void(int& width, int& height)> pixel_size;
};

struct DisplayOptions {
    // Accept a software Vulkan device (lavapipe / llvmpipe). false: create() fails
    // (unsupported) when the best device that can present is one, so the host can show frames
    // its own way.
    bool allow_cpu_device = false;
    // Device pictures process() can write: slots 0 .. slots - 1, in [1, 16].
    int slots = 6;
};

// A translucent RGBA8 rectangle drawn over the picture with straight alpha, source over, in
// 8-bit integers: c = (s * a + d * (255 - a) + 127) / 255 per colour, alpha
// a + (d_a * (255 - a) + 127) / 255. Placed with its top-left corner at (x, y) in picture
// pixels (may be negative) and clipped to the picture.
struct DisplayLayer {
    ConstImageView pixels;  // RGBA8, at most 4096 x 4096
    int x = 0, y = 0;
};

// What present() shows.
struct DisplayCompose {
    int slot = 0;           // the picture a process() wrote, in [0, slots)
    bool compare = false;   // columns from split_x on come from the AI picture (needs one)
    int split_x = 0;        // in [0, width]
    int divider_width = 1;  // compare: a white line this wide at min(split_x, width - 1); 0 none
};

class DisplayPreview {
public:
    static constexpr int kMaxLayers = 4;

    // Creates the instance (with the surface's extensions), the surface, a device with
    // VK_KHR_swapchain and a queue that can present to it (real GPUs before software ones),
    // the swapchain, and the Vulkan preview of `profile` and `opts` on that device (opts.backend
    // is ignored: this is the Vulkan backend). Errors, one line each: invalid_argument (profile,
    // options), unsupported (no device can present to the window, only a software device when
    // display.allow_cpu_device is false, no 8-bit surface format, images that cannot be
    // copied into), not_found (no Vulkan device), and the surface callback's own.
    static Result<DisplayPreview> create(const Profile& profile, const PreviewOptions& opts,
                                         const DisplaySurface& surface,
                                         const DisplayOptions& display = {});

    DisplayPreview(DisplayPreview&&) noexcept;
    DisplayPreview& operator=(DisplayPreview&&) noexcept;
    DisplayPreview(const DisplayPreview&) = delete;
    DisplayPreview& operator=(const DisplayPreview&) = delete;
    ~DisplayPreview();  // waits for the device

    // Runs the preview on one frame (in as Preview::process: RGBA8/16F/32F, frames in display
    // order, temporal history kept) into `slot`; the RGBA8 picture stays on the device. Device
    // memory of a slot is allocated when the output size changes only.
    Result<void> process(ConstImageView in, int slot);
    // The output size for an in_width x in_height input (as Preview::output_size).
    void output_size(int in_width, int in_height, int& out_width, int& out_height) const noexcept;
    void reset_history();
    // E.g. "vulkan (llvmpipe (LLVM 15.0.6, 256 bits), fp32)", as Preview::backend_name().
    std::string_view backend_name() const noexcept;
    // Of the last process().
    PreviewTimings last_timings() const;

    // The AI picture of the frame (RGBA8 at the output size) that compare shows; copied now and
    // uploaded to the device by the next present(), once. An empty view forgets it.
    Result<void> set_ai_picture(ConstImageView ai);
    // Replaces the layers (at most kMaxLayers, drawn in order); copied now and uploaded by the
    // next present(). Call it when they change, not every frame.
    Result<void> set_layers(std::span<const DisplayLayer> layers);
    // Composes slot `c.slot` with the layers and shows it in the window, letterboxed (black
    // around it, bilinear when the window is not the picture's size, an exact copy when it is).
    // The swapchain is made again when the window's size changed or the surface says it is out
    // of date or suboptimal.
    Result<void> present(const DisplayCompose& c);
    // The picture the last present() composed (at the output size, before letterboxing), read
    // back from the device into `out` (RGBA8, reallocated when its size differs).
    Result<void> read_shown(Image& out);

    // E.g. "vulkan swapchain, mailbox, 1280x1024": the present mode and the swapchain's size.
    std::string describe() const;
    // How many times the swapchain was made again (window resized, out of date).
    uint64_t swapchain_rebuilds() const noexcept;

private:
    struct Impl;
    explicit DisplayPreview(std::unique_ptr<Impl> impl) noexcept;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kizuna
