// The one place that chooses the export's FrameProcessor. The export creates one processor per
// worker thread through a ProcessorFactory; make_frame_processor is the production factory, and
// tests pass their own.
#pragma once

#include <functional>
#include <memory>

#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"
#include "pipeline/export/frame_processor.hpp"

namespace kizuna::pipeline {

struct ProcessorConfig {
    Profile profile;
    PreviewOptions preview;   // backend, threads of this worker, output size
    bool require_ai = false;  // ExportOptions::require_ai
};

using ProcessorFactory =
    std::function<Result<std::unique_ptr<FrameProcessor>>(const ProcessorConfig&)>;

// Profiles without AI get the shader-only chain (PreviewProcessor); profiles with AI get the
// hybrid chain (UpscalerProcessor, kizuna::Upscaler).
Result<std::unique_ptr<FrameProcessor>> make_frame_processor(const ProcessorConfig& config);

}  // namespace kizuna::pipeline
