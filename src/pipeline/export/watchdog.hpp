// The per-frame AI watchdog of an export. Each frame's inference gets a deadline; a frame that
// passes it gets the shader-only result. After `disable_after` such frames in a row, AI is off
// for the rest of the job. When that happens before any frame ran AI within the limit, the
// limit is simply too short for this machine, and the message says so with the measured time
// and how to raise the limit, instead of dropping AI without a word. Every fallback is counted.
//
// Thread safe: workers ask control() and report record() concurrently. "In a row" means in the
// order frames are recorded: as they finish, or as they are submitted for a pipelined processor
// whose frames' AI part is final at submission (FrameProcessor::submitted_report); that is
// presentation order whenever one worker processes the frames (always with temporal
// stabilization, and so with every AI profile).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "pipeline/export/frame_processor.hpp"

namespace kizuna::pipeline {

struct WatchdogCounts {
    int64_t ai_frames = 0;     // frames whose stage 3 came from the model
    int64_t ai_timeouts = 0;   // frames whose inference passed the limit
    int64_t ai_fallbacks = 0;  // frames that wanted AI and got the shader-only result
    bool ai_disabled = false;  // AI is off for the rest of the job
    std::string note;          // why AI is off, or why it never ran; empty otherwise
};

class Watchdog {
public:
    // limit_s > 0; disable_after >= 1. `ai_wanted`: the processor's wants_ai().
    Watchdog(double limit_s, int disable_after, bool ai_wanted);

    // The control for a frame about to start now.
    FrameControl control(const std::atomic<bool>* cancel) const;

    // Records a finished frame. Returns a message for the log when this frame changes the
    // state (the first timeout; AI turned off), else an empty string.
    std::string record(int64_t index, const FrameReport& report);

    WatchdogCounts counts() const;
    bool ai_allowed() const noexcept { return ai_allowed_.load(std::memory_order_relaxed); }

private:
    const double limit_s_;
    const int disable_after_;
    const bool ai_wanted_;
    std::atomic<bool> ai_allowed_{true};
    mutable std::mutex mutex_;
    WatchdogCounts counts_;
    int run_ = 0;                   // timeouts in a row
    int64_t run_first_ = -1;        // index of the first frame of the run
    double run_estimate_s_ = 0;     // sum of the whole-frame estimates of the run's frames
    int run_estimates_ = 0;         // how many of the run's frames gave one
    bool ai_ever_in_time_ = false;  // some frame ran AI within the limit
};

// "1 min 35 s", "42 s", "1.5 s", "0.25 s"
std::string format_seconds(double s);

}  // namespace kizuna::pipeline
