// The shader-only FrameProcessor: the five real-time stages (the chain of kizuna::Preview, on the
// stage backend the options ask for). It serves profiles with ai.enabled = false. On the Vulkan
// stage backend it is pipelined two frames deep (FrameProcessor::submit / collect).
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <string>

#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"
#include "pipeline/export/frame_processor.hpp"
#include "stages/preview_backend.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages::vk {
class VkPreviewBackend;
}

namespace kizuna::pipeline {

class PreviewProcessor final : public FrameProcessor {
public:
    // Errors: Preview::create's. The environment variable KIZUNA_PIPELINED_FRAMES=0 keeps the
    // Vulkan backend one frame at a time (for timing the two paths).
    static Result<std::unique_ptr<PreviewProcessor>> create(const Profile& profile,
                                                            const PreviewOptions& options);
    ~PreviewProcessor() override;

    Result<void> process(const DecodedFrame& in, Image& out, const FrameControl& control,
                         FrameReport& report) override;
    int pipeline_depth() const override;
    Result<void> submit(const DecodedFrame& in, const FrameControl& control) override;
    Result<void> collect(Image& out, FrameReport& report) override;
    void output_size(int in_width, int in_height, int& out_width, int& out_height) const override;
    bool wants_ai() const override { return false; }
    // The decoder's Y'CbCr planes go straight into stage 1 (the Y'CbCr entry point): no RGBA
    // conversion on the decoder thread, and 10-bit sources keep their precision.
    bool accepts_yuv() const override { return true; }
    std::string describe() const override;

private:
    PreviewProcessor() = default;
    // Sizes params_ for `in` and gives the output format (RGBA8 for 8-bit sources, RGBA32F for
    // deeper ones: the formats the sink's packers read); invalid_argument for an empty picture.
    Result<PixelFormat> prepare(const DecodedFrame& in);
    static void make_report(const stages::StageTimings& t, double host_ms, FrameReport& report);

    Profile profile_;
    PreviewOptions options_;
    stages::PreviewParams params_;
    std::unique_ptr<stages::PreviewBackend> backend_;
    stages::vk::VkPreviewBackend* vk_ = nullptr;  // backend_, when it is Vulkan and pipelined
    // The frames in flight: output size and format, and the host time their submit() took.
    struct Pending {
        int width = 0, height = 0;
        PixelFormat format = PixelFormat::rgba8;
        double submit_ms = 0;
    };
    std::deque<Pending> pending_;
};

}  // namespace kizuna::pipeline
