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
#include <memory>
#include <string>
#include <vector>

#include "kizuna/export.hpp"
#include "pipeline/export/export_job.hpp"
#include "pipeline/export/processor_factory.hpp"
#include "pipelined_export.hpp"

namespace kizuna::pipeline {
namespace {

namespace fs = std::filesystem;

using test::frame_sums;
using test::frame_times;
using test::overlapped;
using test::recording;
using Calls = test::PipelineCalls;
using Dir = test::TempDir;

constexpr int kFrames = 8;

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
        in = test::make_noise_clip(dir, 32, 24, kFrames);
    }
    Dir dir;
    std::string in;
};

// The export of `in` one frame at a time (process() only): its frames' checksums.
std::string one_at_a_time(const Dir& dir, const std::string& in) {
    Calls one;
    auto a = run_export(in, dir / "one.mkv", vulkan_options(), recording({false}, one));
    EXPECT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(one.processed.size(), static_cast<size_t>(kFrames));
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
    EXPECT_TRUE(two.processed.empty());
    EXPECT_EQ(frame_sums(dir / "two.mkv"), expected);
    EXPECT_EQ(test::count_lines(frame_times(in)), kFrames);
    EXPECT_EQ(frame_times(dir / "two.mkv"), frame_times(in));
    // Two frames in flight: frame N+1 went to the device before frame N came back.
    EXPECT_EQ(two.most_in_flight, 2);
    EXPECT_EQ(overlapped(two), kFrames - 1);
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
    EXPECT_EQ(two.processed, std::vector<int64_t>{1});
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
