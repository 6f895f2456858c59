// The AI watchdog's rules on their own: one slow frame falls back alone; five in a row turn AI
// off; when the first frames already pass the limit the message gives the measured time and how
// to raise the limit; every fallback is counted.
#include <gtest/gtest.h>

#include <string>

#include "pipeline/export/watchdog.hpp"

namespace kizuna::pipeline {
namespace {

FrameReport ran_ai() {
    FrameReport r;
    r.ai_used = true;
    r.ai_ms = 100;
    return r;
}

FrameReport timed_out(double ai_ms, double fraction) {
    FrameReport r;
    r.ai_timed_out = true;
    r.ai_ms = ai_ms;
    r.ai_done_fraction = fraction;
    r.fallback_reason = "inference passed the limit";
    return r;
}

TEST(Watchdog, DeadlineOnlyWhileAiIsWantedAndAllowed) {
    Watchdog off(30, 5, /*ai_wanted=*/false);
    EXPECT_FALSE(off.control(nullptr).deadline.has_value());
    Watchdog on(30, 5, true);
    const auto before = std::chrono::steady_clock::now();
    const FrameControl c = on.control(nullptr);
    ASSERT_TRUE(c.deadline.has_value());
    EXPECT_GE(*c.deadline, before + std::chrono::seconds(29));
    EXPECT_LE(*c.deadline, std::chrono::steady_clock::now() + std::chrono::seconds(30));
    EXPECT_TRUE(c.ai_allowed);
}

TEST(Watchdog, OneSlowFrameFallsBackAloneAndAiStaysOn) {
    Watchdog w(30, 5, true);
    EXPECT_EQ(w.record(0, ran_ai()), "");
    const std::string first = w.record(1, timed_out(30000, 0.5));
    EXPECT_NE(first.find("frame 1: AI inference passed the watchdog's 30 s limit"),
              std::string::npos)
        << first;
    for (int i = 2; i < 10; ++i) EXPECT_EQ(w.record(i, ran_ai()), "");
    const WatchdogCounts c = w.counts();
    EXPECT_EQ(c.ai_frames, 9);
    EXPECT_EQ(c.ai_timeouts, 1);
    EXPECT_EQ(c.ai_fallbacks, 1);
    EXPECT_FALSE(c.ai_disabled);
    EXPECT_TRUE(w.ai_allowed());
}

TEST(Watchdog, FiveInARowTurnAiOffForTheRest) {
    Watchdog w(30, 5, true);
    for (int i = 0; i < 3; ++i) w.record(i, ran_ai());
    // Four slow frames, then a good one: the run starts again.
    for (int i = 3; i < 7; ++i) w.record(i, timed_out(30000, 0.4));
    w.record(7, ran_ai());
    EXPECT_TRUE(w.ai_allowed());
    std::string message;
    for (int i = 8; i < 13; ++i) message = w.record(i, timed_out(30000, 0.4));
    EXPECT_FALSE(w.ai_allowed());
    EXPECT_FALSE(w.control(nullptr).deadline.has_value());
    EXPECT_FALSE(w.control(nullptr).ai_allowed);
    EXPECT_NE(message.find("on 5 frames in a row (frames 8 to 12)"), std::string::npos) << message;
    EXPECT_NE(message.find("--ai-frame-limit"), std::string::npos) << message;
    // Later frames run shader-only and are counted as fallbacks.
    FrameReport shader_only;
    shader_only.fallback_reason = "AI is off";
    w.record(13, shader_only);
    const WatchdogCounts c = w.counts();
    EXPECT_EQ(c.ai_frames, 4);
    EXPECT_EQ(c.ai_timeouts, 9);
    EXPECT_EQ(c.ai_fallbacks, 10);
    EXPECT_TRUE(c.ai_disabled);
    EXPECT_EQ(c.note, message);
}

TEST(Watchdog, SlowFromTheStartSaysTheMachineIsTooSlowWithTheMeasuredTime) {
    Watchdog w(30, 5, true);
    std::string message;
    // Each frame stopped at the 30 s limit with a quarter of its tiles done: about 120 s a frame.
    for (int i = 0; i < 5; ++i) message = w.record(i, timed_out(30000, 0.25));
    EXPECT_FALSE(w.ai_allowed());
    EXPECT_NE(message.find("AI inference takes about 2 min 0 s per frame on this machine "
                           "(measured on frames 0 to 4), more than the watchdog's 30 s limit"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("--ai-frame-limit 180"), std::string::npos) << message;
}

TEST(Watchdog, SlowFromTheStartWithoutAnEstimateStillSaysSo) {
    Watchdog w(0.5, 5, true);
    std::string message;
    for (int i = 0; i < 5; ++i) message = w.record(i, timed_out(500, 0));
    EXPECT_NE(message.find("normal frames on this machine take longer than the limit"),
              std::string::npos)
        << message;
}

TEST(Watchdog, AiNeverAvailableIsNotedOnce) {
    Watchdog w(30, 5, true);
    FrameReport r;
    r.fallback_reason = "model failed to load: x.bin is truncated";
    for (int i = 0; i < 3; ++i) w.record(i, r);
    const WatchdogCounts c = w.counts();
    EXPECT_EQ(c.ai_fallbacks, 3);
    EXPECT_EQ(c.ai_timeouts, 0);
    EXPECT_FALSE(c.ai_disabled);
    EXPECT_EQ(c.note, "AI did not run: model failed to load: x.bin is truncated");
}

}  // namespace
}  // namespace kizuna::pipeline
