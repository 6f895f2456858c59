// kizuna::Upscaler's state (internal to src/pipeline/hybrid): one frame at a time in
// upscaler.cpp, the pipelined form in upscaler_pipelined.cpp (upscaler_access.hpp).
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <optional>

#include "kizuna/upscaler.hpp"
#include "pipeline/hybrid/ai_stage.hpp"
#include "pipeline/hybrid/notices.hpp"
#include "stages/preview_backend.hpp"
#include "stages/stage_params.hpp"
#include "stages/vk/preview.hpp"

namespace kizuna {

struct Upscaler::Impl {
    using Clock = std::chrono::steady_clock;

    Profile profile;
    UpscalerOptions opts;
    stages::PreviewParams params;
    std::unique_ptr<stages::PreviewBackend> stages;
    stages::vk::VkPreviewBackend* vk_stages = nullptr;  // `stages` when it runs on Vulkan
    gpu::Context* vk_context = nullptr;                 // its context, when it owns one
    pipeline::Notices notices;
    std::optional<pipeline::AiStage> ai;
    Tensor model_input;                      // 3 x H x W
    Tensor ai_output;                        // 3 x scale*H x scale*W
    int budget_for_w = 0, budget_for_h = 0;  // frame size the AI budget was computed for

    // A frame submitted by UpscalerAccess::submit and not yet collected.
    struct InFlight {
        bool in_slot = true;  // in a frame slot of vk_stages (collect_frame); else in `ready`
        Image ready;          // the frame, when it ran one step at a time during its submit
        int width = 0, height = 0;
        PixelFormat format = PixelFormat::rgba8;
        UpscaleReport report;  // post_ms and total_ms: up to the end of its submission
    };
    std::deque<InFlight> in_flight;  // oldest first

    float strength() const { return profile.ai.strength; }
    // True when a frame with the AI takes the device-resident path (run_on_device).
    bool device_path() const;
    // Sets params' output size for an input of w x h.
    void size_for(int w, int h);
    Result<void> prepare_ai(int w, int h, int out_w, int out_h);
    // Steps up to the model on the device: stages 1-2, the model's input, the tiles into the AI
    // picture (nothing read back). Fills r's AI fields, pre_ms and ai_ms. False when the model
    // left the device during the frame (logged): the frame is to run on the host path.
    template <class Input>
    Result<bool> device_front(const Input& in, int w, int h, const UpscaleControl& control,
                              UpscaleReport& r);
    template <class Input>
    Result<bool> run_on_device(const Input& in, int w, int h, Image& out,
                               const UpscaleControl& control, UpscaleReport& r);
    // The frame with its model's input and picture through the host (after prepare_ai).
    template <class Input>
    Result<void> run_on_host(const Input& in, int w, int h, Image& out,
                             const UpscaleControl& control, UpscaleReport& r, Clock::time_point t0);
    template <class Input>
    Result<void> run(const Input& in, int w, int h, PixelFormat default_format, Image& out,
                     const UpscaleControl& control, UpscaleReport* report);
    template <class Input>
    Result<void> submit(const Input& in, int w, int h, PixelFormat format,
                        const UpscaleControl& control);
};

namespace hybrid_detail {

inline double ms_between(std::chrono::steady_clock::time_point a,
                         std::chrono::steady_clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

// The stage backend's entry points for either input kind.
inline Result<void> begin(stages::PreviewBackend& b, ConstImageView in, TensorView t,
                          const stages::PreviewParams& p) {
    return b.hybrid_begin(in, t, p);
}
inline Result<void> begin(stages::PreviewBackend& b, const YuvView& in, TensorView t,
                          const stages::PreviewParams& p) {
    return b.hybrid_begin_yuv(in, t, p);
}
inline Result<const gpu::Buffer*> begin_device(stages::vk::VkPreviewBackend& b, ConstImageView in,
                                               const stages::PreviewParams& p) {
    return b.hybrid_begin_device(in, p);
}
inline Result<const gpu::Buffer*> begin_device(stages::vk::VkPreviewBackend& b, const YuvView& in,
                                               const stages::PreviewParams& p) {
    return b.hybrid_begin_yuv_device(in, p);
}
inline Result<void> whole(stages::PreviewBackend& b, ConstImageView in, ImageView out,
                          const stages::PreviewParams& p) {
    return b.process(in, out, p);
}
inline Result<void> whole(stages::PreviewBackend& b, const YuvView& in, ImageView out,
                          const stages::PreviewParams& p) {
    return b.process_yuv(in, out, p);
}
inline Result<void> submit_whole(stages::vk::VkPreviewBackend& b, ConstImageView in, PixelFormat f,
                                 const stages::PreviewParams& p) {
    return b.submit_frame(in, f, p);
}
inline Result<void> submit_whole(stages::vk::VkPreviewBackend& b, const YuvView& in, PixelFormat f,
                                 const stages::PreviewParams& p) {
    return b.submit_frame_yuv(in, f, p);
}

}  // namespace hybrid_detail

}  // namespace kizuna
