// The hybrid AI export on the device-resident path (stages on Vulkan, the model on the Vulkan NN
// backend of the same device), two frames in flight (UpscalerProcessor::submit / collect),
// against the same export one frame at a time: the same frames byte for byte with temporal
// stabilization on (from Y'CbCr and from RGB sources), every frame and timestamp kept, frame N+1
// submitted before frame N is collected and never more than two in flight; an injected
// out-of-device-memory in one frame's submission losing no frame; the model leaving the device in
// the middle of the clip (the frame still comes out once, in order, with the fallback notices of
// the one-at-a-time export, and the rest go one at a time); the watchdog turning the AI off after
// the same frames; a cancel finishing the frames in flight into a playable partial file; and the
// memory plan counting the second frame slot. The real processor runs, wrapped by a recorder
// that counts the calls (tests/support/pipelined_export.hpp). A tiny model written by the test
// (two 3x3 convolutions and a x2 pixel shuffle) and tiny frames: lavapipe runs each in
// milliseconds. Skips when the machine has no Vulkan device.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "gpu/device_alloc_fault.hpp"
#include "kizuna/export.hpp"
#include "kizuna/log.hpp"
#include "model_files.hpp"
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
using Script = test::PipelineScript;

constexpr int kFrames = 8;

// 3 -> 8 -> 12 channels of 3x3 convolutions, then a x2 pixel shuffle, seeded random weights.
const std::string& tiny_model() {
    static const std::string path = [] {
        std::minstd_rand rng(11);
        std::uniform_real_distribution<float> w(-0.2f, 0.2f), b(0.2f, 0.4f);
        test::BinWriter bin;
        for (auto [n_weights, n_biases] : {std::pair{216, 8}, std::pair{864, 12}}) {
            std::vector<float> v(static_cast<size_t>(n_weights));
            for (float& x : v) x = w(rng);
            for (int i = 0; i < n_biases; ++i) v.push_back(b(rng));
            bin.tagged_f32(v);
        }
        return test::write_model_files("kizuna_hybrid_pipelined_test", "conv8_x2",
                                       "7767517\n4 4\nInput in 0 1 data\n"
                                       "Convolution c1 1 1 data a 0=8 1=3 4=1 5=1 6=216 9=1\n"
                                       "Convolution c2 1 1 a b 0=12 1=3 4=1 5=1 6=864\n"
                                       "PixelShuffle ps 1 1 b out 0=2\n",
                                       bin);
    }();
    return path;
}

// Every stage on, temporal stabilization included, the stages on Vulkan, the model on the
// Vulkan NN backend blended with stage 3, into lossless video.
ExportOptions hybrid_options() {
    ExportOptions o;
    o.profile = *builtin_profile("balanced");
    o.profile.ai.enabled = true;
    o.profile.ai.model = tiny_model();
    o.profile.ai.scale = 2;
    o.profile.ai.strength = 0.75f;
    o.profile.ai.backend = BackendPreference::vulkan;
    o.profile.temporal.enabled = true;
    o.profile.output.video_codec = "ffv1";
    o.preview.backend = PreviewBackendKind::vulkan;
    return o;
}

bool has_notice(const std::vector<std::string>& notices, const std::string& text) {
    return std::any_of(notices.begin(), notices.end(),
                       [&](const std::string& n) { return n.find(text) != std::string::npos; });
}

// Each test is skipped when the chain cannot keep its frames on a Vulkan device here (then the
// processor is one frame deep).
class VulkanHybridPipelinedExport : public ::testing::Test {
protected:
    void SetUp() override {
        ProcessorConfig pc;
        pc.profile = hybrid_options().profile;
        pc.preview.backend = PreviewBackendKind::vulkan;
        auto p = make_frame_processor(pc);
        ASSERT_TRUE(p.ok()) << p.error().message;
        if ((*p)->pipeline_depth() < 2) GTEST_SKIP() << "no Vulkan: " << (*p)->describe();
    }
    void TearDown() override { gpu::clear_device_allocation_faults(); }

    // The export of `in` one frame at a time (process() only) with `script`: its summary and
    // its frames' checksums.
    std::string one_at_a_time(const std::string& in, ExportOptions o, Script script,
                              ExportSummary* summary = nullptr) {
        Calls one;
        script.pipelined = false;
        auto a = run_export(in, dir / "one.mkv", o, recording(script, one));
        EXPECT_TRUE(a.ok()) << a.error().message;
        if (a.ok() && summary) *summary = *a;
        EXPECT_EQ(one.processed.size(), static_cast<size_t>(kFrames));
        EXPECT_TRUE(one.order.empty());
        const std::string sums = frame_sums(dir / "one.mkv");
        EXPECT_EQ(test::count_lines(sums), kFrames);
        return sums;
    }

    Dir dir;
};

TEST_F(VulkanHybridPipelinedExport, EqualsOneFrameAtATimeWithEveryFrameAndTimestamp) {
    const std::string in = test::make_noise_clip(dir, 32, 24, kFrames);
    ExportSummary one;
    const std::string expected = one_at_a_time(in, hybrid_options(), {}, &one);
    EXPECT_EQ(one.ai_frames, kFrames);
    Calls two;
    auto b = run_export(in, dir / "two.mkv", hybrid_options(), recording({}, two));
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(b->frames, kFrames);
    EXPECT_EQ(b->ai_frames, kFrames);
    EXPECT_EQ(b->ai_fallbacks, 0);
    EXPECT_TRUE(two.processed.empty());
    EXPECT_NE(b->processor.find("2 frames in flight"), std::string::npos) << b->processor;
    EXPECT_EQ(frame_sums(dir / "two.mkv"), expected);
    EXPECT_EQ(test::count_lines(frame_times(in)), kFrames);
    EXPECT_EQ(frame_times(dir / "two.mkv"), frame_times(in));
    // Two frames in flight, never more: frame N+1 went to the device before frame N came back.
    EXPECT_EQ(two.most_in_flight, 2);
    EXPECT_EQ(overlapped(two), kFrames - 1);
    EXPECT_EQ(b->notices, one.notices);
}

// An RGB source (lossless RGB intermediates: ffv1 in BGR here) reaches the processor as RGBA
// pictures, not Y'CbCr planes: the pipelined path's RGBA form, against one frame at a time.
TEST_F(VulkanHybridPipelinedExport, RgbSourcesArePipelinedToo) {
    const std::string in = test::make_noise_clip(dir, 32, 24, kFrames, "-c:v ffv1 -pix_fmt bgr0");
    const std::string expected = one_at_a_time(in, hybrid_options(), {});
    Calls two;
    auto b = run_export(in, dir / "two.mkv", hybrid_options(), recording({}, two));
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(two.rgba_frames, kFrames);
    EXPECT_EQ(b->frames, kFrames);
    EXPECT_EQ(b->ai_frames, kFrames);
    EXPECT_TRUE(two.processed.empty());
    EXPECT_EQ(overlapped(two), kFrames - 1);
    EXPECT_EQ(frame_sums(dir / "two.mkv"), expected);
}

TEST_F(VulkanHybridPipelinedExport, AnOutOfMemorySubmissionRunsTheFrameOnItsOwnAndLosesNone) {
    const std::string in = test::make_noise_clip(dir, 32, 24, kFrames);
    const std::string expected = one_at_a_time(in, hybrid_options(), {});
    Calls two;
    // Frame 1 is the first in the second slot: its submission allocates that slot's buffers.
    Script script;
    script.fail_at = 1;
    auto b = run_export(in, dir / "two.mkv", hybrid_options(), recording(script, two));
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(two.injected, 1);
    EXPECT_EQ(b->frames, kFrames);
    EXPECT_EQ(b->ai_frames, kFrames);
    EXPECT_EQ(two.processed, std::vector<int64_t>{1});
    EXPECT_EQ(frame_sums(dir / "two.mkv"), expected);
    EXPECT_TRUE(has_notice(b->notices,
                           "1 frame ran one at a time after a failed pipelined submission; "
                           "first: frame 1:"))
        << ::testing::PrintToString(b->notices);
}

// The model leaves the device while frame 3 is submitted (frame 2 is in flight): frame 3 runs on
// the host path with the CPU backend, comes out once and in order, with the notices of the same
// export one frame at a time, and the frames after it go one at a time.
TEST_F(VulkanHybridPipelinedExport, TheModelLeavingTheDeviceLosesNoFrame) {
    // 96x72: larger than the smallest tile (64), so a smaller budget changes the tile size.
    const std::string in = test::make_noise_clip(dir, 96, 72, kFrames);
    Script script;
    script.squeeze_at = 3;
    script.squeeze_bytes = 1 << 20;
    ExportSummary one;
    const std::string expected = one_at_a_time(in, hybrid_options(), script, &one);
    EXPECT_TRUE(has_notice(one.notices, "AI on vulkan failed ("))
        << ::testing::PrintToString(one.notices);
    Calls two;
    auto b = run_export(in, dir / "two.mkv", hybrid_options(), recording(script, two));
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(b->frames, kFrames);
    EXPECT_EQ(frame_sums(dir / "two.mkv"), expected);
    EXPECT_EQ(b->notices, one.notices);
    EXPECT_EQ(b->ai_frames, one.ai_frames);
    EXPECT_EQ(b->ai_frames, kFrames);
    // Frames 0-3 were submitted (3 ran on the host during its submission) and collected in
    // order; 4 to the end went one at a time.
    const std::vector<std::pair<char, int64_t>> order = {{'s', 0}, {'s', 1}, {'c', 0}, {'s', 2},
                                                         {'c', 1}, {'s', 3}, {'c', 2}, {'c', 3}};
    EXPECT_EQ(two.order, order);
    EXPECT_EQ(two.processed, (std::vector<int64_t>{4, 5, 6, 7}));
}

// Every frame passes its deadline: the watchdog turns the AI off after the same two frames as
// one frame at a time (each frame's AI part is shown to it when the frame is submitted).
TEST_F(VulkanHybridPipelinedExport, TheWatchdogTurnsTheAiOffAfterTheSameFrames) {
    const std::string in = test::make_noise_clip(dir, 32, 24, kFrames);
    ExportOptions o = hybrid_options();
    o.ai_frame_limit_s = 1e-6;
    o.ai_disable_after = 2;
    ExportSummary one;
    const std::string expected = one_at_a_time(in, o, {}, &one);
    EXPECT_EQ(one.ai_timeouts, 2);
    EXPECT_TRUE(one.ai_disabled);
    Calls two;
    auto b = run_export(in, dir / "two.mkv", o, recording({}, two));
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(b->frames, kFrames);
    EXPECT_EQ(frame_sums(dir / "two.mkv"), expected);
    EXPECT_EQ(b->ai_timeouts, one.ai_timeouts);
    EXPECT_EQ(b->ai_fallbacks, one.ai_fallbacks);
    EXPECT_TRUE(b->ai_disabled);
    EXPECT_EQ(b->notices, one.notices);
}

TEST_F(VulkanHybridPipelinedExport, ACancelFinishesTheFramesInFlightIntoAPlayablePartialFile) {
    const std::string in = test::make_noise_clip(dir, 32, 24, kFrames);
    std::atomic<bool> cancel{false};
    ExportOptions o = hybrid_options();
    o.cancel = &cancel;
    Calls calls;
    Script script;
    script.cancel_at = 3;
    script.cancel = &cancel;
    auto s = run_export(in, dir / "out.mkv", o, recording(script, calls));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, Errc::cancelled);
    ASSERT_TRUE(fs::exists(dir / "out.partial.mkv")) << s.error().message;
    // Every frame submitted was collected and is in the file, in order.
    int submitted = 0;
    for (const auto& [kind, index] : calls.order) submitted += kind == 's';
    EXPECT_GE(submitted, 3);
    EXPECT_LT(submitted, kFrames);
    EXPECT_EQ(calls.order.size(), 2u * submitted);
    EXPECT_EQ(test::count_lines(frame_sums(dir / "out.partial.mkv")), submitted);
}

// The export's memory plan, as its debug log line states it ("... needs about X (N bytes: ...").
uint64_t planned_bytes(const std::vector<std::string>& lines) {
    const std::string key = "memory: this export needs about ";
    for (const std::string& line : lines) {
        if (line.rfind(key, 0) != 0) continue;
        const size_t open = line.find('(', key.size());
        if (open != std::string::npos) return std::stoull(line.substr(open + 1));
    }
    return 0;
}

// Two frames in flight hold the second frame slot: its readback buffer (4 bytes per output pixel
// of an 8-bit source) and the input's copies (the decoder's Y'CbCr planes twice, up to 4:4:4,
// and stage 1's two frames of the slot); the plan counts them.
TEST_F(VulkanHybridPipelinedExport, TheMemoryPlanCountsTheSecondFrameSlot) {
    const std::string in = test::make_noise_clip(dir, 32, 24, kFrames);
    std::vector<std::string> lines;
    std::mutex mutex;  // the export logs from several threads
    const LogLevel level = log_level();
    set_log_level(LogLevel::debug);
    set_log_callback([&](LogLevel, std::string_view m) {
        const std::lock_guard lock(mutex);
        lines.emplace_back(m);
    });
    uint64_t needs[2] = {0, 0};
    for (bool pipelined : {false, true}) {
        lines.clear();
        Calls calls;
        Script script;
        script.pipelined = pipelined;
        auto r = run_export(in, dir / "out.mkv", hybrid_options(), recording(script, calls));
        EXPECT_TRUE(r.ok()) << r.error().message;
        needs[pipelined] = planned_bytes(lines);
    }
    set_log_callback(nullptr);
    set_log_level(level);
    ASSERT_GT(needs[0], 0u);
    const uint64_t out_px = 64 * 48, in_px = 32 * 24;
    EXPECT_EQ(needs[1] - needs[0], 4 * out_px + 2 * 3 * in_px + 2 * 16 * in_px);
}

}  // namespace
}  // namespace kizuna::pipeline
