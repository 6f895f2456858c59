#include "pipeline/export/processor_factory.hpp"

#include "pipeline/export/preview_processor.hpp"

namespace kizuna::pipeline {

Result<std::unique_ptr<FrameProcessor>> make_frame_processor(const ProcessorConfig& config) {
    std::string ai_unavailable;
    if (config.profile.ai.enabled) {
        ai_unavailable = "the neural upscaler is not part of the export in this version";
    }
    auto p = PreviewProcessor::create(config.profile, config.preview, std::move(ai_unavailable));
    if (!p) return std::move(p).error();
    return std::unique_ptr<FrameProcessor>(std::move(*p));
}

}  // namespace kizuna::pipeline
