#include "pipeline/export/watchdog.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace kizuna::pipeline {

std::string format_seconds(double s) {
    if (s >= 60) {
        const auto total = static_cast<int64_t>(std::llround(s));
        return fmt::format("{} min {} s", total / 60, total % 60);
    }
    if (s >= 10) return fmt::format("{} s", static_cast<int64_t>(std::llround(s)));
    if (s >= 1) return fmt::format("{:.1f} s", s);
    return fmt::format("{:.2g} s", s);
}

Watchdog::Watchdog(double limit_s, int disable_after, bool ai_wanted)
    : limit_s_(limit_s), disable_after_(disable_after), ai_wanted_(ai_wanted) {}

FrameControl Watchdog::control(const std::atomic<bool>* cancel) const {
    FrameControl c;
    c.cancel = cancel;
    c.ai_allowed = ai_allowed();
    if (ai_wanted_ && c.ai_allowed) {
        c.deadline = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                         std::chrono::duration<double>(limit_s_));
    }
    return c;
}

std::string Watchdog::record(int64_t index, const FrameReport& r) {
    std::lock_guard lock(mutex_);
    if (r.ai_used) ++counts_.ai_frames;
    if (ai_wanted_ && !r.ai_used) {
        ++counts_.ai_fallbacks;
        if (counts_.note.empty() && !r.fallback_reason.empty() && !r.ai_timed_out) {
            counts_.note = "AI did not run: " + r.fallback_reason;
        }
    }
    if (!r.ai_timed_out) {
        if (r.ai_used) ai_ever_in_time_ = true;
        run_ = 0;
        run_estimate_s_ = 0;
        run_estimates_ = 0;
        return {};
    }
    ++counts_.ai_timeouts;
    if (run_ == 0) run_first_ = index;
    ++run_;
    if (r.ai_done_fraction > 0 && r.ai_done_fraction <= 1 && r.ai_ms > 0) {
        run_estimate_s_ += r.ai_ms / 1000.0 / r.ai_done_fraction;
        ++run_estimates_;
    }
    std::string message;
    if (counts_.ai_timeouts == 1 && run_ < disable_after_) {
        message = fmt::format(
            "frame {}: AI inference passed the watchdog's {} limit; this frame gets the "
            "shader-only result ({} in a row turn AI off)",
            index, format_seconds(limit_s_), disable_after_);
    }
    if (run_ >= disable_after_ && !counts_.ai_disabled) {
        counts_.ai_disabled = true;
        ai_allowed_.store(false, std::memory_order_relaxed);
        const std::string frames = fmt::format("frames {} to {}", run_first_, index);
        if (!ai_ever_in_time_) {
            std::string measured;
            if (run_estimates_ > 0) {
                const double per_frame = run_estimate_s_ / run_estimates_;
                measured = fmt::format(
                    "AI inference takes about {} per frame on this machine (measured on {}), more "
                    "than the watchdog's {} limit",
                    format_seconds(per_frame), frames, format_seconds(limit_s_));
                const double suggest = std::ceil(per_frame * 1.5 / 10.0) * 10.0;
                counts_.note = fmt::format(
                    "{}: AI is off for the rest of this job; raise the limit with "
                    "--ai-frame-limit {} to keep it, or use a lighter profile",
                    measured, static_cast<int64_t>(std::max(suggest, limit_s_ * 2)));
            } else {
                counts_.note = fmt::format(
                    "AI inference took longer than the watchdog's {} limit on every one of the "
                    "first frames ({}): normal frames on this machine take longer than the limit; "
                    "AI is off for the rest of this job; raise the limit with --ai-frame-limit "
                    "SECONDS to keep it, or use a lighter profile",
                    format_seconds(limit_s_), frames);
            }
        } else {
            counts_.note = fmt::format(
                "AI inference passed the watchdog's {} limit on {} frames in a row ({}): AI is "
                "off for the rest of this job (raise the limit with --ai-frame-limit SECONDS)",
                format_seconds(limit_s_), run_, frames);
        }
        message = counts_.note;
    }
    return message;
}

WatchdogCounts Watchdog::counts() const {
    std::lock_guard lock(mutex_);
    return counts_;
}

}  // namespace kizuna::pipeline
