// The export with the shader-only chain on Vulkan, two frames in flight (FrameProcessor::submit /
// collect), against the same export one frame at a time: the same frames byte for byte with
// temporal stabilization on (its history crosses frames in flight), every frame and timestamp
// kept, frame N+1 submitted before frame N is collected, an injected out-of-device-memory in one
// frame's submission losing no frame, and a cancel finishing the frames in flight into a playable
// partial file. The real PreviewProcessor runs, wrapped by a recorder that counts the calls.
// Tiny frames: lavapipe runs each in milliseconds. Skips when the machine has no Vulkan device.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "gpu/device_alloc_fault.hpp"
#include "kizuna/export.hpp"
#include "pipeline/export/export_job.hpp"
#include "pipeline/export/processor_factory.hpp"
#include "shell_tools.hpp"

namespace kizuna::pipeline {
namespace {

namespace fs = std::filesystem;

using test::capture;
using test::shell;
using Dir = test::TempDir;

constexpr int kFrames = 8;

// What the recorder saw: 's' or 'c' (submit, collect) with the frame index, in call order.
struct Calls {
    std::vector<std::pair<char, int64_t>> order;
    int processed = 0;  // frames given to process()
    int most_in_flight = 0;
    int injected = 0;  // out-of-memory failures injected into the failing submission
};

struct Script {
    bool pipelined = true;
    int64_t fail_at = -1;    // this frame's submission meets an out-of-device-memory
    int64_t cancel_at = -1;  // the cancel flag is set at this frame's submission
    std::atomic<bool>* cancel = nullptr;
};

// Forwards to the real processor; pipelined = false hides its submit/collect (depth 1).
class Recorder final : public FrameProcessor {
public:
    Recorder(std::unique_ptr<FrameProcessor> inner, Script script, Calls& calls)
        : inner_(std::move(inner)), script_(script), calls_(calls) {}

    Result<void> process(const DecodedFrame& in, Image& out, const FrameControl& control,
                         FrameReport& report) override {
        ++calls_.processed;
        return inner_->process(in, out, control, report);
    }
    int pipeline_depth() const override { return script_.pipelined ? inner_->pipeline_depth() : 1; }
    Result<void> submit(const DecodedFrame& in, const FrameControl& control) override {
        if (in.index == script_.cancel_at) script_.cancel->store(true);
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
    Result<void> collect(Image& out, FrameReport& report) override {
        calls_.order.push_back({'c', queued_.front()});
        queued_.pop_front();
        return inner_->collect(out, report);
    }
    void output_size(int w, int h, int& ow, int& oh) const override {
        inner_->output_size(w, h, ow, oh);
    }
    bool accepts_yuv() const override { return inner_->accepts_yuv(); }
    bool wants_ai() const override { return inner_->wants_ai(); }
    std::string describe() const override { return inner_->describe(); }

private:
    std::unique_ptr<FrameProcessor> inner_;
    Script script_;
    Calls& calls_;
    std::deque<int64_t> queued_;
};

ProcessorFactory recording(Script script, Calls& calls) {
    return [script, &calls](const ProcessorConfig& pc) -> Result<std::unique_ptr<FrameProcessor>> {
        auto p = make_frame_processor(pc);
        if (!p) return std::move(p).error();
        return std::unique_ptr<FrameProcessor>(new Recorder(std::move(*p), script, calls));
    };
}

// A 32x24, 24 fps still picture with noise that changes every frame: what temporal
// stabilization blends with its history (a moving pattern at this size would be a scene cut
// every frame, which resets the history).
std::string make_clip(const Dir& dir) {
    const std::string in = dir / "in.mkv";
    EXPECT_EQ(shell("ffmpeg -nostdin -y -v error -f lavfi -i "
                    "'smptebars=size=32x24:rate=24,noise=alls=12:allf=t' -frames:v " +
                    std::to_string(kFrames) + " -c:v libx264 -preset ultrafast '" + in + "'"),
              0);
    return in;
}

// The performance chain on Vulkan with temporal stabilization on, into lossless video.
ExportOptions vulkan_options() {
    ExportOptions o;
    o.profile = *builtin_profile("performance");
    o.profile.ai.enabled = false;
    o.profile.temporal.enabled = true;
    o.profile.output.video_codec = "ffv1";
    o.preview.backend = PreviewBackendKind::vulkan;
    return o;
}

// Each decoded frame's timestamps, duration and checksum.
std::string frame_sums(const fs::path& file) {
    return capture("ffmpeg -nostdin -v error -i '" + file.string() +
                   "' -f framemd5 - | grep -v '^#'");
}

// Each decoded frame's timestamps and duration (both files are Matroska: milliseconds).
std::string frame_times(const fs::path& file) {
    return capture("ffmpeg -nostdin -v error -i '" + file.string() +
                   "' -f framemd5 - | grep -v '^#' | cut -d, -f2-4");
}

// Each test gets a clip in its own folder; it is skipped when the Vulkan stage backend cannot
// start here (it then falls back to the CPU, which is not pipelined).
class VulkanPipelinedExport : public ::testing::Test {
protected:
    void SetUp() override {
        ProcessorConfig pc;
        pc.profile = vulkan_options().profile;
        pc.preview.backend = PreviewBackendKind::vulkan;
        auto p = make_frame_processor(pc);
        ASSERT_TRUE(p.ok()) << p.error().message;
        if ((*p)->pipeline_depth() < 2) GTEST_SKIP() << "no Vulkan: " << (*p)->describe();
        in = make_clip(dir);
    }
    Dir dir;
    std::string in;
};

// The export of `in` one frame at a time (process() only): its frames' checksums.
std::string one_at_a_time(const Dir& dir, const std::string& in) {
    Calls one;
    auto a = run_export(in, dir / "one.mkv", vulkan_options(), recording({false}, one));
    EXPECT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(one.processed, kFrames);
    EXPECT_TRUE(one.order.empty());
    const std::string sums = frame_sums(dir / "one.mkv");
    EXPECT_EQ(test::count_lines(sums), kFrames);
    return sums;
}

TEST_F(VulkanPipelinedExport, EqualsOneFrameAtATimeWithEveryFrameAndTimestamp) {
    const std::string expected = one_at_a_time(dir, in);
    Calls two;
    auto b = run_export(in, dir / "two.mkv", vulkan_options(), recording({true}, two));
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(b->frames, kFrames);
    EXPECT_EQ(two.processed, 0);
    EXPECT_EQ(frame_sums(dir / "two.mkv"), expected);
    EXPECT_EQ(test::count_lines(frame_times(in)), kFrames);
    EXPECT_EQ(frame_times(dir / "two.mkv"), frame_times(in));
    // Two frames in flight: frame N+1 went to the device before frame N came back.
    EXPECT_EQ(two.most_in_flight, 2);
    int overlapped = 0;
    for (size_t i = 0; i < two.order.size(); ++i) {
        if (two.order[i].first != 's') continue;
        const int64_t n = two.order[i].second - 1;
        const auto collected_n =
            std::find(two.order.begin(), two.order.end(), std::pair<char, int64_t>{'c', n});
        if (collected_n != two.order.end() &&
            collected_n - two.order.begin() > static_cast<long>(i))
            ++overlapped;
    }
    EXPECT_EQ(overlapped, kFrames - 1);
}

TEST_F(VulkanPipelinedExport, AnOutOfMemorySubmissionRunsTheFrameOnItsOwnAndLosesNone) {
    const std::string expected = one_at_a_time(dir, in);
    Calls two;
    // Frame 1 is the first in the second slot: its submission allocates that slot's buffers.
    auto b =
        run_export(in, dir / "two.mkv", vulkan_options(), recording({true, /*fail_at=*/1}, two));
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(two.injected, 1);
    EXPECT_EQ(b->frames, kFrames);
    EXPECT_EQ(two.processed, 1);
    EXPECT_EQ(frame_sums(dir / "two.mkv"), expected);
    const auto& notices = b->notices;
    EXPECT_TRUE(std::any_of(notices.begin(), notices.end(), [](const std::string& n) {
        return n.find(
                   "1 frame ran one at a time after a failed pipelined submission; first: "
                   "frame 1:") != std::string::npos;
    })) << ::testing::PrintToString(notices);
}

TEST_F(VulkanPipelinedExport, ACancelFinishesTheFramesInFlightIntoAPlayablePartialFile) {
    std::atomic<bool> cancel{false};
    ExportOptions o = vulkan_options();
    o.cancel = &cancel;
    Calls calls;
    auto s =
        run_export(in, dir / "out.mkv", o, recording({true, -1, /*cancel_at=*/3, &cancel}, calls));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, Errc::cancelled);
    ASSERT_TRUE(fs::exists(dir / "out.partial.mkv")) << s.error().message;
    // Every frame submitted was collected and is in the file, in order.
    int submitted = 0;
    for (const auto& [kind, index] : calls.order) submitted += kind == 's';
    EXPECT_GE(submitted, 4);
    EXPECT_LT(submitted, kFrames);
    EXPECT_EQ(calls.order.size(), 2u * submitted);
    EXPECT_EQ(test::count_lines(frame_sums(dir / "out.partial.mkv")), submitted);
}

}  // namespace
}  // namespace kizuna::pipeline
