// What the tests of the pipelined export (frames in flight: FrameProcessor::submit / collect)
// share: a recorder that wraps the real frame processor, counts its calls and injects faults at
// chosen frames; a noisy test clip; and the decoded frames' checksums and timestamps.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "gpu/device_alloc_fault.hpp"
#include "pipeline/export/frame_processor.hpp"
#include "pipeline/export/processor_factory.hpp"
#include "shell_tools.hpp"

namespace kizuna::test {

// What the recorder saw: 's' or 'c' (submit, collect) with the frame index, in call order.
struct PipelineCalls {
    std::vector<std::pair<char, int64_t>> order;
    std::vector<int64_t> processed;  // frames given to process(), in order
    int most_in_flight = 0;
    int injected = 0;     // out-of-memory failures injected into the failing submission
    int rgba_frames = 0;  // frames the decoder handed over as RGBA (not as Y'CbCr planes)
};

struct PipelineScript {
    bool pipelined = true;   // false hides the processor's submit/collect (depth 1)
    int64_t fail_at = -1;    // this frame's submission meets one out-of-device-memory
    int64_t cancel_at = -1;  // the cancel flag is set at this frame's submission
    std::atomic<bool>* cancel = nullptr;
    // From this frame on (submit or process), every device allocation fails and the model's
    // memory budget drops to `squeeze_bytes` (the hybrid chain's model then has to leave the
    // device).
    int64_t squeeze_at = -1;
    uint64_t squeeze_bytes = 0;
};

// Forwards every call to the real processor and records submit, collect and process.
class RecordingProcessor final : public pipeline::FrameProcessor {
public:
    RecordingProcessor(std::unique_ptr<pipeline::FrameProcessor> inner, PipelineScript script,
                       PipelineCalls& calls)
        : inner_(std::move(inner)), script_(script), calls_(calls) {}
    ~RecordingProcessor() override { gpu::clear_device_allocation_faults(); }

    Result<void> process(const pipeline::DecodedFrame& in, Image& out,
                         const pipeline::FrameControl& control,
                         pipeline::FrameReport& report) override {
        calls_.processed.push_back(in.index);
        if (!in.is_yuv()) ++calls_.rgba_frames;
        squeeze(in.index);
        return inner_->process(in, out, control, report);
    }
    int pipeline_depth() const override { return script_.pipelined ? inner_->pipeline_depth() : 1; }
    Result<void> submit(const pipeline::DecodedFrame& in,
                        const pipeline::FrameControl& control) override {
        if (in.index == script_.cancel_at) script_.cancel->store(true);
        if (!in.is_yuv()) ++calls_.rgba_frames;
        squeeze(in.index);
        if (in.index == script_.fail_at) gpu::fail_device_allocations(1);
        Result<void> r = inner_->submit(in, control);
        if (in.index == script_.fail_at) {
            calls_.injected = gpu::injected_device_allocation_failures();
            gpu::clear_device_allocation_faults();
        }
        if (!r) return r;
        calls_.order.push_back({'s', in.index});
        queued_.push_back(in.index);
        calls_.most_in_flight = std::max(calls_.most_in_flight, static_cast<int>(queued_.size()));
        return {};
    }
    Result<void> collect(Image& out, pipeline::FrameReport& report) override {
        calls_.order.push_back({'c', queued_.front()});
        queued_.pop_front();
        return inner_->collect(out, report);
    }
    bool submitted_report(pipeline::FrameReport& report) const override {
        return inner_->submitted_report(report);
    }
    void output_size(int w, int h, int& ow, int& oh) const override {
        inner_->output_size(w, h, ow, oh);
    }
    bool accepts_yuv() const override { return inner_->accepts_yuv(); }
    bool wants_ai() const override { return inner_->wants_ai(); }
    void set_ai_memory_budget(uint64_t bytes) override { inner_->set_ai_memory_budget(bytes); }
    std::vector<std::string> notices() const override { return inner_->notices(); }
    std::string describe() const override { return inner_->describe(); }

private:
    void squeeze(int64_t index) {
        if (index != script_.squeeze_at) return;
        gpu::fail_device_allocations(-1);
        inner_->set_ai_memory_budget(script_.squeeze_bytes);
    }

    std::unique_ptr<pipeline::FrameProcessor> inner_;
    PipelineScript script_;
    PipelineCalls& calls_;
    std::deque<int64_t> queued_;
};

// The export's own processor factory, each processor wrapped in a RecordingProcessor.
inline pipeline::ProcessorFactory recording(PipelineScript script, PipelineCalls& calls) {
    return [script, &calls](const pipeline::ProcessorConfig& pc)
               -> Result<std::unique_ptr<pipeline::FrameProcessor>> {
        auto p = pipeline::make_frame_processor(pc);
        if (!p) return std::move(p).error();
        return std::unique_ptr<pipeline::FrameProcessor>(
            new RecordingProcessor(std::move(*p), script, calls));
    };
}

// How many times frame n was submitted before frame n - 1 was collected.
inline int overlapped(const PipelineCalls& calls) {
    int n_overlapped = 0;
    for (size_t i = 0; i < calls.order.size(); ++i) {
        if (calls.order[i].first != 's') continue;
        const auto collected_before =
            std::find(calls.order.begin(), calls.order.end(),
                      std::pair<char, int64_t>{'c', calls.order[i].second - 1});
        if (collected_before != calls.order.end() &&
            collected_before - calls.order.begin() > static_cast<long>(i))
            ++n_overlapped;
    }
    return n_overlapped;
}

// `frames` frames of a width x height, 24 fps still picture with noise that changes every frame
// (what temporal stabilization blends with its history; a moving pattern at this size would be a
// scene cut every frame, which resets the history), in dir/in.mkv, encoded as `codec` says.
inline std::string make_noise_clip(const TempDir& dir, int width, int height, int frames,
                                   const std::string& codec = "-c:v libx264 -preset ultrafast") {
    const std::string in = dir / "in.mkv";
    EXPECT_EQ(
        shell("ffmpeg -nostdin -y -v error -f lavfi -i 'smptebars=size=" + std::to_string(width) +
              "x" + std::to_string(height) + ":rate=24,noise=alls=12:allf=t' -frames:v " +
              std::to_string(frames) + " " + codec + " '" + in + "'"),
        0);
    return in;
}

// Each decoded frame's timestamps, duration and checksum.
inline std::string frame_sums(const std::filesystem::path& file) {
    return capture("ffmpeg -nostdin -v error -i '" + file.string() +
                   "' -f framemd5 - | grep -v '^#'");
}

// Each decoded frame's timestamps and duration.
inline std::string frame_times(const std::filesystem::path& file) {
    return capture("ffmpeg -nostdin -v error -i '" + file.string() +
                   "' -f framemd5 - | grep -v '^#' | cut -d, -f2-4");
}

}  // namespace kizuna::test
