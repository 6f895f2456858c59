// Everything an export decides before its threads start: the output's form, the size, the
// encoder or image settings, the worker and slot counts, what the output cannot hold, and the
// memory estimate checked against the budget.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kizuna/export.hpp"
#include "kizuna/media.hpp"
#include "media/output_target.hpp"
#include "media/video_sink.hpp"
#include "media/video_source.hpp"
#include "pipeline/export/frame_processor.hpp"

namespace kizuna::pipeline {

// Checks the options' ranges and the output's form and location (before anything is opened).
// Errors name the option or the file.
Result<media::OutputTarget> check_export_request(const std::filesystem::path& input,
                                                 const std::filesystem::path& output,
                                                 const ExportOptions& options);

// Frames processed at once and threads per processor: one frame at a time with temporal
// stabilization, with AI, or on the GPU; otherwise options.parallel_frames, or automatically up
// to 4, the job's threads shared out evenly.
struct WorkerSplit {
    int workers = 1;
    int threads_each = 0;  // PreviewOptions::threads for each processor
};
WorkerSplit split_workers(const ExportOptions& options);

struct ExportPlan {
    media::OutputTarget target;
    bool sequence = false;
    int in_width = 0, in_height = 0, out_width = 0, out_height = 0;
    WorkerSplit split;
    int in_slots = 2;
    int out_slots = 2;
    media::SinkOptions sink;           // video output
    ImageWriteOptions image_write;     // image sequence output
    std::vector<std::string> notices;  // data the output will not hold
    uint64_t memory_need = 0;
    uint64_t queue_bytes = 0;
    // What the budget leaves for the model's tiles once the frames and queues are counted.
    uint64_t ai_memory_bytes = 0;
};

// Decides the rest once the input is open and the first processor exists. Errors: the output
// too large, a stream the container cannot hold, encoder settings, notices under `strict`, and
// the memory budget.
Result<ExportPlan> plan_export(const std::filesystem::path& output, const ExportOptions& options,
                               const media::OutputTarget& target, const media::VideoSource& source,
                               const FrameProcessor& processor, const WorkerSplit& split);

}  // namespace kizuna::pipeline
