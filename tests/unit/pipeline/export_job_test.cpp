// The export job with test FrameProcessors: injected slow frames trip the watchdog and the counts
// reach the summary; frames processed out of order are encoded in order; a cancel request
// stops cleanly; the memory budget is checked before work.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "kizuna/export.hpp"
#include "pipeline/export/export_job.hpp"
#include "shell_tools.hpp"

namespace kizuna::pipeline {
namespace {

namespace fs = std::filesystem;

using Dir = test::TempDir;
using test::capture;
using test::shell;

// A 64x48, 24 fps clip of `frames` frames.
std::string make_clip(const Dir& dir, int frames) {
    const std::string in = dir / "in.mkv";
    EXPECT_EQ(shell("ffmpeg -nostdin -y -f lavfi -i testsrc2=size=64x48:rate=24 -frames:v " +
                    std::to_string(frames) + " -c:v libx264 -preset ultrafast '" + in + "'"),
              0);
    return in;
}

// Copies the picture (same size) and, to let the order be checked afterwards, paints it a flat
// grey whose level is 8 * (frame index % 30) + 8. Behaves like an AI chain: frames listed in
// `slow` (or every frame while `all_slow`) run past the deadline and report a timeout.
class TestProcessor final : public FrameProcessor {
public:
    TestProcessor(std::vector<int64_t> slow, bool all_slow, int jitter_ms, int cancel_at,
                  std::atomic<bool>* cancel)
        : slow_(std::move(slow)),
          all_slow_(all_slow),
          jitter_ms_(jitter_ms),
          cancel_at_(cancel_at),
          cancel_(cancel) {}

    Result<void> process(const DecodedFrame& in, Image& out, const FrameControl& control,
                         FrameReport& report) override {
        if (cancel_ && in.index == cancel_at_) cancel_->store(true);
        if (jitter_ms_ > 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds((in.index * 7919) % jitter_ms_));
        }
        report = FrameReport{};
        const bool slow =
            all_slow_ || std::find(slow_.begin(), slow_.end(), in.index) != slow_.end();
        if (control.ai_allowed && control.deadline) {
            if (slow) {
                std::this_thread::sleep_until(*control.deadline + std::chrono::milliseconds(1));
                report.ai_timed_out = true;
                report.ai_done_fraction = 0.5;
                report.ai_ms = 25;
                report.fallback_reason = "inference passed the limit";
            } else {
                report.ai_used = true;
            }
        } else {
            report.fallback_reason = "AI is off";
        }
        if (out.empty() || out.width() != in.width() || out.height() != in.height()) {
            auto img = Image::create(in.width(), in.height(), PixelFormat::rgba8);
            if (!img) return std::move(img).error();
            out = std::move(*img);
        }
        const auto level = static_cast<uint8_t>(8 * (in.index % 30) + 8);
        for (int y = 0; y < out.height(); ++y) {
            uint8_t* p = out.view().row_as<uint8_t>(y);
            for (int x = 0; x < out.width(); ++x) {
                p[4 * x] = p[4 * x + 1] = p[4 * x + 2] = level;
                p[4 * x + 3] = 255;
            }
        }
        return {};
    }
    void output_size(int w, int h, int& ow, int& oh) const override {
        ow = w;
        oh = h;
    }
    bool wants_ai() const override { return true; }
    std::string describe() const override { return "test processor"; }

private:
    std::vector<int64_t> slow_;
    bool all_slow_;
    int jitter_ms_;
    int cancel_at_;
    std::atomic<bool>* cancel_;
};

// `ai`: the profile asks for AI (frames are then processed one at a time, in order).
ExportOptions test_options(bool ai = true) {
    ExportOptions o;
    o.profile = *builtin_profile("performance");
    o.profile.ai.enabled = ai;
    o.profile.output.preset = "ultrafast";
    o.ai_frame_limit_s = 0.02;
    return o;
}

ProcessorFactory factory(std::vector<int64_t> slow, bool all_slow, int jitter_ms = 0,
                         int cancel_at = -1, std::atomic<bool>* cancel = nullptr) {
    return [=](const ProcessorConfig&) -> Result<std::unique_ptr<FrameProcessor>> {
        return std::unique_ptr<FrameProcessor>(
            new TestProcessor(slow, all_slow, jitter_ms, cancel_at, cancel));
    };
}

bool contains_line(const std::vector<std::string>& lines, const std::string& part) {
    for (const auto& l : lines)
        if (l.find(part) != std::string::npos) return true;
    return false;
}

TEST(ExportJob, AnInjectedSlowFrameFallsBackAloneAndIsCounted) {
    Dir dir;
    const std::string in = make_clip(dir, 12);
    auto s = run_export(in, dir / "out.mkv", test_options(), factory({4}, false));
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->frames, 12);
    EXPECT_EQ(s->ai_timeouts, 1);
    EXPECT_EQ(s->ai_fallbacks, 1);
    EXPECT_EQ(s->ai_frames, 11);
    EXPECT_FALSE(s->ai_disabled);
    const auto lines = export_summary_lines(*s);
    EXPECT_TRUE(contains_line(lines,
                              "AI: 11 frames upscaled by the model, 1 shader-only "
                              "fallbacks, 1 over the watchdog's limit"));
}

TEST(ExportJob, FiveSlowFramesFromTheStartTurnAiOffWithTheMeasuredTime) {
    Dir dir;
    const std::string in = make_clip(dir, 12);
    auto s = run_export(in, dir / "out.mkv", test_options(), factory({}, true));
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->frames, 12);
    EXPECT_EQ(s->ai_timeouts, 5);  // then AI is off: no deadline, no more timeouts
    EXPECT_EQ(s->ai_fallbacks, 12);
    EXPECT_EQ(s->ai_frames, 0);
    EXPECT_TRUE(s->ai_disabled);
    // 25 ms of inference for half of each frame: about 50 ms a frame against the 20 ms limit.
    EXPECT_NE(s->ai_note.find("AI inference takes about 0.05 s per frame on this machine"),
              std::string::npos)
        << s->ai_note;
    const auto lines = export_summary_lines(*s);
    EXPECT_TRUE(contains_line(lines,
                              "12 shader-only fallbacks, 5 over the watchdog's limit; "
                              "turned off for the rest of the job"));
    EXPECT_TRUE(contains_line(lines, "--ai-frame-limit"));
}

TEST(ExportJob, FramesFinishedOutOfOrderAreEncodedInOrder) {
    Dir dir;
    const std::string in = make_clip(dir, 30);
    ExportOptions o = test_options(/*ai=*/false);
    o.parallel_frames = 4;
    o.profile.output.video_codec = "ffv1";  // lossless: the grey levels come back exactly
    auto s = run_export(in, dir / "out.mkv", o, factory({}, false, /*jitter_ms=*/23));
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->frames, 30);
    EXPECT_NE(s->processor.find("4 frames at a time"), std::string::npos) << s->processor;
    // The centre pixel of each frame, in presentation order.
    const std::string raw = capture("ffmpeg -nostdin -v error -i '" + (dir / "out.mkv") +
                                    "' -f rawvideo -pix_fmt gray -");
    ASSERT_EQ(raw.size(), 30u * 64 * 48);
    for (int f = 0; f < 30; ++f) {
        const int level = static_cast<uint8_t>(raw[f * 64 * 48 + 24 * 64 + 32]);
        // Grey g in full range -> luma 16 + 219 g / 255, back through gray: g again (within 2).
        EXPECT_NEAR(level, 8 * (f % 30) + 8, 2) << "frame " << f;
    }
}

TEST(ExportJob, ACancelRequestFinishesAPlayablePartialFile) {
    Dir dir;
    const std::string in = make_clip(dir, 48);
    std::atomic<bool> cancel{false};
    ExportOptions o = test_options();
    o.cancel = &cancel;
    auto s = run_export(in, dir / "out.mkv", o, factory({}, false, 0, /*cancel_at=*/20, &cancel));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, Errc::cancelled);
    EXPECT_NE(s.error().message.find("out.partial.mkv, a playable file"), std::string::npos)
        << s.error().message;
    EXPECT_FALSE(fs::exists(dir / "out.mkv"));
    ASSERT_TRUE(fs::exists(dir / "out.partial.mkv"));
    const std::string count = capture(
        "ffprobe -v error -count_packets -show_entries stream=nb_read_packets -of csv=p=0 '" +
        (dir / "out.partial.mkv") + "'");
    EXPECT_GE(std::atoi(count.c_str()), 1);
    EXPECT_LT(std::atoi(count.c_str()), 48);
}

TEST(ExportJob, TheMemoryBudgetIsCheckedBeforeWork) {
    Dir dir;
    const std::string in = make_clip(dir, 4);
    ExportOptions o = test_options();
    o.budget = MemoryBudget::fixed(64ull << 20, "--memory");
    auto s = run_export(in, dir / "out.mkv", o, factory({}, false));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, Errc::out_of_memory);
    EXPECT_NE(s.error().message.find("exporting 64x48 to 64x48"), std::string::npos)
        << s.error().message;
    EXPECT_FALSE(fs::exists(dir / "out.mkv"));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace kizuna::pipeline
