// The counters an export's threads update and the progress thread reads: frames done, busy time
// per part, and the frame rate over the last few seconds. Thread safe (atomics and a lock for
// the rate window).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <utility>

#include "kizuna/export.hpp"

namespace kizuna::pipeline {

enum class Part { decode, pre, ai, post, encode };

class ProgressMeter {
public:
    using Clock = std::chrono::steady_clock;

    explicit ProgressMeter(int64_t frames_total)
        : frames_total_(frames_total), start_(Clock::now()) {}

    void add_busy(Part part, double ms) noexcept {
        busy_ns_[static_cast<int>(part)].fetch_add(static_cast<int64_t>(ms * 1e6),
                                                   std::memory_order_relaxed);
    }
    void add_busy(Part part, Clock::time_point since) noexcept {
        add_busy(part, std::chrono::duration<double, std::milli>(Clock::now() - since).count());
    }
    void frame_done() noexcept { frames_done_.fetch_add(1, std::memory_order_relaxed); }
    int64_t frames_done() const noexcept { return frames_done_.load(std::memory_order_relaxed); }

    ExportStageTimes busy() const noexcept;
    double elapsed_s() const noexcept;

    // A snapshot; the rate is measured over the last ~5 s of snapshots (the whole run at first).
    ExportProgress snapshot(ExportProgress::State state, int64_t ai_fallbacks, bool ai_disabled);

private:
    const int64_t frames_total_;
    const Clock::time_point start_;
    std::atomic<int64_t> frames_done_{0};
    std::array<std::atomic<int64_t>, 5> busy_ns_{};
    std::mutex mutex_;
    std::deque<std::pair<Clock::time_point, int64_t>> window_;
};

}  // namespace kizuna::pipeline
