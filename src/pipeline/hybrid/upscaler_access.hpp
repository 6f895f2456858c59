// The pipelined form of kizuna::Upscaler, for the export (internal to kizuna_pipeline). When a
// frame takes the device-resident path (the stages on Vulkan, the model on the Vulkan NN backend
// of the same context, pipeline::gpu_resident_frames() on), submit() runs its steps up to the
// model and submits the last step (stage 3's part, the AI-strength blend, stages 4-5, packing
// and the copy into the slot's readback buffer) without waiting, so the next frame's upload,
// stages 1-2 and tiles start while it runs; collect() waits for the oldest frame and reads it
// back. Up to stages::vk::VkPreviewBackend::kFramesInFlight frames; the output and the report
// of each frame are process()'s for it, byte for byte (the same steps in the same order on the
// one queue; the temporal history moves on at submission).
//
// A frame that cannot stay on the device is still submitted, and done before submit() returns:
// shader-only frames (the AI off or not running) go to the stage backend's own pipelined frames;
// a frame during which the model leaves the device (out of memory at the smallest tile, a
// failure: the fallback order steps down with its notices, as in process()) runs again one step
// after the other with its pictures through the host, into a picture held until its turn to be
// collected. pipeline_depth() then says 1: the caller collects what is in flight and goes on
// with process().
//
// Not thread safe, as Upscaler: one thread submits and collects.
#pragma once

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "kizuna/upscaler.hpp"
#include "kizuna/yuv.hpp"

namespace kizuna::pipeline {

struct UpscalerAccess {
    // VkPreviewBackend::kFramesInFlight when the next frame with the AI takes the device-resident
    // path, else 1 (the pipelined form brings nothing then: use Upscaler::process).
    static int pipeline_depth(const Upscaler& upscaler) noexcept;
    // Frames submitted and not yet collected.
    static int in_flight(const Upscaler& upscaler) noexcept;

    // Starts one frame whose output has the pixel format `format` (RGBA8 or RGBA32F) and size
    // output_size(). A failure leaves nothing of the frame in flight (those before it still are)
    // and the temporal history where it was; the frame can then be run with process() once the
    // others are collected. Errors: process()'s, unsupported without the Vulkan stage backend,
    // invalid_argument with kFramesInFlight frames in flight.
    static Result<void> submit(Upscaler& upscaler, ConstImageView in, PixelFormat format,
                               const UpscaleControl& control);
    static Result<void> submit(Upscaler& upscaler, const YuvView& in, PixelFormat format,
                               const UpscaleControl& control);
    // Waits for the oldest frame in flight: its picture into out (reallocated when its size or
    // format differs) and its report (post_ms and total_ms include the wait). A failure to size
    // out leaves the frame in flight. Errors: invalid_argument with none in flight, the device's.
    static Result<void> collect(Upscaler& upscaler, Image& out, UpscaleReport& report);
    // The report of the frame submitted last, as collect() will give it less the time of the
    // collect itself (its AI part is final). Requires a frame in flight.
    static const UpscaleReport& last_submitted(const Upscaler& upscaler) noexcept;
};

}  // namespace kizuna::pipeline
