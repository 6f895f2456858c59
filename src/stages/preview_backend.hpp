// One implementation of the whole five-stage preview chain. Three exist: the reference (plain
// C++), the fast CPU one (SIMD + threads) and Vulkan compute. They produce the same picture
// within the tolerances stated in tests/kernels/stages.
#pragma once

#include <memory>
#include <string_view>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "kizuna/tensor.hpp"
#include "kizuna/yuv.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// Per-stage timings of the last frame, in milliseconds (GPU timestamps on Vulkan, wall time on
// CPU). A stage that did not run reports 0. For a hybrid frame, hybrid_begin starts the count and
// hybrid_finish adds to it (upload_ms and download_ms then hold both steps' transfers).
struct StageTimings {
    double normalize_ms = 0, reconstruct_ms = 0, upscale_ms = 0, enhance_ms = 0, temporal_ms = 0;
    double upload_ms = 0, download_ms = 0;  // Vulkan only
    // Hybrid chain only (hybrid.hpp): writing the model's input (hybrid_begin; on Vulkan the
    // encode on the device, its readback is in download_ms); bringing the AI picture to the
    // output size (steps 1-2: sanitize and resample); its transfer and the blend (steps 3-4).
    double model_input_ms = 0, ai_resample_ms = 0, ai_blend_ms = 0;
};

class PreviewBackend {
public:
    virtual ~PreviewBackend() = default;

    // Runs the chain on one frame. in: any RGBA format, colour metadata in in's ColorInfo is
    // not available here, so RGBA input is taken as gamma-encoded full-range RGB.
    // out: any RGBA format, size = params.upscale.out_width x out_height (the caller allocates).
    // Keeps the previous output as temporal history. Not thread safe: one frame at a time.
    virtual Result<void> process(ConstImageView in, ImageView out, const PreviewParams& params) = 0;

    // The same for planar Y'CbCr input (8 or 10 bits, 4:2:0 / 4:2:2 / 4:4:4), decoded by stage 1
    // with in.color (normalize.hpp); the chain is float throughout, so 10-bit input keeps its
    // precision up to the output format's. Shares the temporal history with process().
    virtual Result<void> process_yuv(const YuvView& in, ImageView out,
                                     const PreviewParams& params) = 0;

    // Hybrid chain (hybrid.hpp), step 1: runs stages 1-2 on one frame (RGBA, or planar Y'CbCr)
    // and keeps the normalized frame, its alpha and stage 2's feature map for step 2. Writes the
    // neural model's input into model_input: 3 x in.height x in.width planar RGB, gamma-encoded
    // (the sRGB encode of the preview's output, also when the chain works in linear light),
    // clamped to [0, 1]. model_input is caller-owned, any plane_stride >= width * height; only
    // the w * h values of each plane are written. A process() call in between forgets step 1.
    virtual Result<void> hybrid_begin(ConstImageView in, TensorView model_input,
                                      const PreviewParams& params) = 0;
    virtual Result<void> hybrid_begin_yuv(const YuvView& in, TensorView model_input,
                                          const PreviewParams& params) = 0;

    // Hybrid chain, step 2, once after each hybrid_begin (else invalid_argument), with params
    // equal to step 1's in their normalize and reconstruct parts. ai: the model's output (3 x H'
    // x W' planar gamma-encoded RGB, any size, any plane_stride >= H' * W') or an empty view
    // (data == nullptr) when the AI did not run for this frame. strength in [0, 1].
    //  - strength == 0 or empty ai: exactly the preview's path, byte for byte equal to process()
    //    on the same frame with the same history.
    //  - otherwise the AI picture of hybrid.hpp: brought to params.upscale.out_width x out_height
    //    by the anti-ringing resampler when its size differs, linear light when the chain is,
    //    blended with stage 3 when strength < 1 (stage 3's colour is not made at strength 1).
    //  - Alpha (when the source has it) is stage 3's, as in the preview; the model never sees it.
    // Then stage 4 (reading stage 2's class map of the source frame), stage 5 (the temporal
    // history continues across process() and hybrid calls) and packing into out (size =
    // params.upscale.out_width x out_height, any format), through the preview's own code.
    virtual Result<void> hybrid_finish(ConstTensorView ai, float strength, ImageView out,
                                       const PreviewParams& params) = 0;

    // Forgets the temporal history (next frame is treated as after a scene cut).
    virtual void reset_history() = 0;

    virtual std::string_view name() const = 0;
    virtual StageTimings last_timings() const { return {}; }
};

std::unique_ptr<PreviewBackend> make_reference_preview();
// threads: 0 = all hardware threads.
std::unique_ptr<PreviewBackend> make_cpu_preview(int threads);
// Fails when no Vulkan device can be used (the error says why).
Result<std::unique_ptr<PreviewBackend>> make_vulkan_preview();

}  // namespace kizuna::stages
