// The export job: checks, set-up, and the threads that move frames from the decoder through the
// processors to the sink.
//
//  demuxer/decoder thread --(decoded-picture slots, FIFO)--> worker threads (1 with temporal
//  stabilization, else up to parallel_frames) --(output slots, reorder by index)--> encoder
//  thread (the caller) --> sink.  Packets of the other streams go from the demuxer thread
//  straight to the sink's muxer.
//
// Both queues are pools of preallocated slots sized in frames and bytes; a thread that finds no
// free slot waits (back-pressure), so memory stays bounded and nothing is allocated per frame.
#pragma once

#include <filesystem>

#include "kizuna/export.hpp"
#include "pipeline/export/processor_factory.hpp"

namespace kizuna::pipeline {

// export_video with the FrameProcessor factory given: make_frame_processor in production, a test
// processor in tests.
Result<ExportSummary> run_export(const std::filesystem::path& input,
                                 const std::filesystem::path& output, const ExportOptions& options,
                                 const ProcessorFactory& factory);

}  // namespace kizuna::pipeline
