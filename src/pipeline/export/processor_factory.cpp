#include "pipeline/export/processor_factory.hpp"

#include "pipeline/export/preview_processor.hpp"
#include "pipeline/export/upscaler_processor.hpp"

namespace kizuna::pipeline {

Result<std::unique_ptr<FrameProcessor>> make_frame_processor(const ProcessorConfig& config) {
    if (config.profile.ai.enabled) {
        UpscalerOptions uo;
        uo.stages = config.preview;
        uo.require_ai = config.require_ai;
        auto p = UpscalerProcessor::create(config.profile, uo);
        if (!p) return std::move(p).error();
        return std::unique_ptr<FrameProcessor>(std::move(*p));
    }
    auto p = PreviewProcessor::create(config.profile, config.preview);
    if (!p) return std::move(p).error();
    return std::unique_ptr<FrameProcessor>(std::move(*p));
}

}  // namespace kizuna::pipeline
