// The Vulkan preview chain with its options and counters exposed (for tests and benchmarks);
// make_vulkan_preview() in preview_backend.hpp is the plain entry point.
#pragma once

#include <memory>

#include "gpu/buffer.hpp"
#include "gpu/context.hpp"
#include "stages/preview_backend.hpp"

namespace kizuna::stages::vk {

struct VkPreviewOptions {
    gpu::ContextParams context;  // device choice; context.use_fp16 false forces fp32 storage
    // Run on this context instead of creating one from `context` (not owned: it must outlive
    // the backend and be used by one thread at a time, the backend included).
    gpu::Context* shared_context = nullptr;
    // Run on this context, sharing its ownership (when shared_context is null).
    std::shared_ptr<gpu::Context> owned_context;
};

struct VkPreviewStats {
    size_t buffer_allocations = 0;  // device/host buffers (re)allocated so far
    size_t pipelines = 0;           // compute pipelines created so far
    size_t descriptor_sets = 0;     // descriptor sets allocated so far
    bool fp16 = false;              // frames are stored as fp16 on the device
};

class VkPreviewBackend : public PreviewBackend {
public:
    virtual VkPreviewStats stats() const = 0;
    // The context the backend runs on, for others to share it (the hybrid chain's Vulkan NN
    // backend): null when it runs on a VkPreviewOptions::shared_context it does not own. Every
    // user of the context must be on the thread that uses this backend.
    virtual std::shared_ptr<gpu::Context> context() const = 0;
    // process() whose RGBA8 output stays on the device: packed (R in the low byte of each
    // 32-bit word, tight rows) into `target`, a device buffer of at least out_width *
    // out_height * 4 bytes. Nothing is read back; the work has completed when this returns, and
    // a later submission reading `target` needs a transfer-to-compute barrier.
    virtual Result<void> process_to_device(ConstImageView in, const gpu::Buffer& target,
                                           const PreviewParams& params) = 0;

    // Pipelined frames (the export's Vulkan path): submit_frame records and submits a whole
    // frame as process() / process_yuv() do, without waiting, and collect_frame waits for the
    // oldest frame in flight and reads its output back. With two frames in flight, the host
    // prepares the next frame's input and reads the previous frame's output while the device
    // works. Up to kFramesInFlight frames; process(), process_yuv() and process_to_device() need
    // none in flight (the hybrid steps below need a free slot). The input is copied into staging
    // memory before submit_frame returns. A failed submit_frame leaves nothing of its frame in
    // flight (and the temporal history where it was); collect_frame's out must have the size of
    // params.upscale.out_width x out_height and out_format given to that frame's submit_frame.
    // Frames come out in submission order and the output equals process()'s byte for byte (it is
    // the same code, one frame deep).
    static constexpr int kFramesInFlight = 2;
    virtual Result<void> submit_frame(ConstImageView in, PixelFormat out_format,
                                      const PreviewParams& params) = 0;
    virtual Result<void> submit_frame_yuv(const YuvView& in, PixelFormat out_format,
                                          const PreviewParams& params) = 0;
    virtual Result<void> collect_frame(ImageView out) = 0;
    virtual int frames_in_flight() const = 0;

    // The hybrid steps (hybrid_begin, hybrid_finish and the _device forms below) may run while
    // up to kFramesInFlight - 1 frames are in flight: they record into the free slot, and their
    // commands start with a barrier behind those frames' work on the one queue (each step waits
    // for its own work, so a frame in flight has completed when a step returns).

    // The hybrid chain with the model on this backend's context (nothing of the frame goes
    // through the host between stage 2 and packing). Step 1 as hybrid_begin / hybrid_begin_yuv,
    // but the model's input stays on the device: fp32 planes [3][height][width], tight, in the
    // returned buffer (the backend's, valid until the next hybrid call; its work has completed).
    virtual Result<const gpu::Buffer*> hybrid_begin_device(ConstImageView in,
                                                           const PreviewParams& params) = 0;
    virtual Result<const gpu::Buffer*> hybrid_begin_yuv_device(const YuvView& in,
                                                               const PreviewParams& params) = 0;
    // The device buffer into which the model writes its picture of width x height (fp32 planes
    // [3][height][width], tight) for hybrid_finish_device, sized for params' output size.
    virtual Result<const gpu::Buffer*> hybrid_ai_target(int width, int height,
                                                        const PreviewParams& params) = 0;
    // Step 2 as hybrid_finish with that picture as the AI picture (written by work on this
    // context that has completed, and strength > 0; for a frame without the AI picture call
    // hybrid_finish with an empty view).
    virtual Result<void> hybrid_finish_device(float strength, ImageView out,
                                              const PreviewParams& params) = 0;
    // Step 2 of a device-resident frame submitted without waiting, into the slot of a frame in
    // flight as submit_frame does (collect_frame reads it back; its output is hybrid_finish_
    // device's, or with ai_picture false hybrid_finish's with an empty view, byte for byte).
    // The temporal history moves on at submission. What the next frame's steps rewrite while
    // this one runs (the stages' frames, the model's input, the AI picture) is shared, and
    // ordered by the queue: the next hybrid_begin* starts behind this frame's work and waits
    // for its own, so nothing rewrites them before this frame is done with them; the readback
    // buffer, the input's staging and the command buffer are the slot's. A failure leaves
    // nothing of the frame in flight and the history where it was.
    virtual Result<void> hybrid_submit_device(float strength, bool ai_picture,
                                              PixelFormat out_format,
                                              const PreviewParams& params) = 0;
};

// Fails when no Vulkan device can be used (the error says why).
Result<std::unique_ptr<VkPreviewBackend>> make_vk_preview(const VkPreviewOptions& options);

}  // namespace kizuna::stages::vk
