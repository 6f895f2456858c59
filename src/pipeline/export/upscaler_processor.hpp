// The hybrid FrameProcessor: kizuna::Upscaler (stages 1-2, the tiled model, stages 3-5) on each
// decoded frame. It serves every profile whose ai.enabled is true; Y'CbCr pictures go to stage 1
// as they are, so 10-bit sources keep their precision. While its frames take the device-resident
// path (the stages on Vulkan, the model on the Vulkan NN backend of the same context) it is
// pipelined two frames deep (pipeline/hybrid/upscaler_access.hpp); once the model leaves the
// device, or the AI is off, its depth is 1.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "kizuna/upscaler.hpp"
#include "pipeline/export/frame_processor.hpp"

namespace kizuna::pipeline {

class UpscalerProcessor final : public FrameProcessor {
public:
    // Errors: Upscaler::create's (with require_ai, a model that cannot load). The environment
    // variable KIZUNA_PIPELINED_FRAMES=0 keeps it one frame at a time.
    static Result<std::unique_ptr<UpscalerProcessor>> create(const Profile& profile,
                                                             const UpscalerOptions& options);

    Result<void> process(const DecodedFrame& in, Image& out, const FrameControl& control,
                         FrameReport& report) override;
    // 2 while the next frame takes the device-resident path, else 1.
    int pipeline_depth() const override;
    Result<void> submit(const DecodedFrame& in, const FrameControl& control) override;
    Result<void> collect(Image& out, FrameReport& report) override;
    bool submitted_report(FrameReport& report) const override;
    void output_size(int in_width, int in_height, int& out_width, int& out_height) const override;
    bool accepts_yuv() const override { return true; }
    bool wants_ai() const override { return true; }
    std::string describe() const override;
    std::vector<std::string> notices() const override { return upscaler_.notices(); }
    void set_ai_memory_budget(uint64_t bytes) override { upscaler_.set_ai_memory_budget(bytes); }

private:
    explicit UpscalerProcessor(Upscaler upscaler) : upscaler_(std::move(upscaler)) {}
    // The watchdog's decision, taken at the start of each frame.
    void follow_watchdog(const FrameControl& control);
    // Tiles done and in all when the frame's inference ended (for ai_done_fraction).
    struct Tiles {
        int done = 0, total = 0;
    };
    static UpscaleControl upscale_control(const FrameControl& control, Tiles& tiles);
    static void make_report(const UpscaleReport& r, const Tiles& tiles, FrameReport& report);

    Upscaler upscaler_;
    bool pipelined_ = true;       // KIZUNA_PIPELINED_FRAMES is not 0
    bool ai_turned_off_ = false;  // disable_ai() was called for the watchdog
    std::deque<Tiles> tiles_;     // of the frames in flight, oldest first
};

}  // namespace kizuna::pipeline
