// The device side of DisplayPreview's picture (kizuna/display.hpp): the AI picture and the text
// layers staged and uploaded when they change, the compose pass (frame / split / divider /
// layers into the canvas at the picture's size, shaders/display_compose.comp), the letterbox
// pass into a buffer of the swapchain's size (shaders/display_present.comp) and its copy into
// the acquired swapchain image. Buffers grow on size changes only. Not thread safe (the
// façade serializes every call with the preview's use of the same Context).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "gpu/buffer.hpp"
#include "gpu/command_buffer.hpp"
#include "gpu/compute_pipeline.hpp"
#include "gpu/context.hpp"
#include "gpu/swapchain.hpp"
#include "kizuna/display.hpp"
#include "kizuna/error.hpp"
#include "kizuna/image.hpp"

namespace kizuna::pipeline {

// Where a width x height picture goes in a window of ww x wh: centred, aspect kept (the
// texture path of `kizuna play` uses the same rule).
struct LetterboxRect {
    int x = 0, y = 0, width = 0, height = 0;
};
LetterboxRect letterbox(int width, int height, int ww, int wh) noexcept;

class Compositor {
public:
    static Result<std::unique_ptr<Compositor>> create(gpu::Context& context);

    // Host copies; uploaded by the next record_*.
    Result<void> set_ai_picture(ConstImageView ai);
    Result<void> set_layers(std::span<const DisplayLayer> layers);
    bool has_ai(int width, int height) const noexcept {
        return ai_w_ == width && ai_h_ == height && ai_w_ > 0;
    }

    // Begins the compositor's command buffer (waiting for its previous submission) and records
    // the uploads and the compose pass of `frame` (packed RGBA8, width x height) into the canvas.
    Result<void> begin_compose(const gpu::Buffer& frame, int width, int height,
                               const DisplayCompose& c);
    // Records the letterbox pass into `image` (of the swapchain's extent and byte order).
    Result<void> record_to_image(const gpu::Swapchain& swapchain, const gpu::SwapchainImage& image);
    // Submits what was recorded, waiting on / signalling the image's semaphores when given.
    Result<void> submit(const gpu::SwapchainImage* image);
    // Reads the canvas of the last compose into out (RGBA8).
    Result<void> read_canvas(Image& out);
    // Drops cached descriptor sets (call before a buffer they may name is destroyed).
    void forget_sets() noexcept { sets_.clear(); }

private:
    explicit Compositor(gpu::Context& context) noexcept : context_(context) {}
    Result<const gpu::DescriptorSet*> compose_set(const gpu::Buffer& frame);
    // Records the copy of `words` into `device` through `staging`, growing either as needed (a
    // new device buffer drops the cached descriptor sets).
    Result<void> upload(const std::vector<uint32_t>& words, gpu::Buffer& staging,
                        gpu::Buffer& device);

    struct CachedSet {
        VkBuffer frame = VK_NULL_HANDLE;
        gpu::DescriptorSet set;
    };

    gpu::Context& context_;
    gpu::CommandBuffer cmd_;
    gpu::ComputePipeline compose_, present_;
    gpu::Buffer ai_up_, ai_, layers_up_, layers_, canvas_, target_, download_;
    std::vector<CachedSet> sets_;
    gpu::DescriptorSet present_set_;
    // Host side: the AI picture and layers as set, and whether the device copy is stale.
    std::vector<uint32_t> ai_words_, layer_words_;
    int ai_w_ = 0, ai_h_ = 0;
    bool ai_dirty_ = false, layers_dirty_ = false;
    struct Rect {
        int x, y, w, h, offset;
    };
    std::vector<Rect> rects_;
    int canvas_w_ = 0, canvas_h_ = 0;
};

}  // namespace kizuna::pipeline
