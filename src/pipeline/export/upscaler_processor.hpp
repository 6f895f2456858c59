// The hybrid FrameProcessor: kizuna::Upscaler (stages 1-2, the tiled model, stages 3-5) on each
// decoded frame. It serves every profile whose ai.enabled is true; Y'CbCr pictures go to stage 1
// as they are, so 10-bit sources keep their precision.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kizuna/upscaler.hpp"
#include "pipeline/export/frame_processor.hpp"

namespace kizuna::pipeline {

class UpscalerProcessor final : public FrameProcessor {
public:
    // Errors: Upscaler::create's (with require_ai, a model that cannot load).
    static Result<std::unique_ptr<UpscalerProcessor>> create(const Profile& profile,
                                                             const UpscalerOptions& options);

    Result<void> process(const DecodedFrame& in, Image& out, const FrameControl& control,
                         FrameReport& report) override;
    void output_size(int in_width, int in_height, int& out_width, int& out_height) const override;
    bool accepts_yuv() const override { return true; }
    bool wants_ai() const override { return true; }
    std::string describe() const override;
    std::vector<std::string> notices() const override { return upscaler_.notices(); }
    void set_ai_memory_budget(uint64_t bytes) override { upscaler_.set_ai_memory_budget(bytes); }

private:
    explicit UpscalerProcessor(Upscaler upscaler) : upscaler_(std::move(upscaler)) {}
    Upscaler upscaler_;
    bool ai_turned_off_ = false;  // disable_ai() was called for the watchdog
};

}  // namespace kizuna::pipeline
