#include "pipeline/export/progress_meter.hpp"

#include <algorithm>

namespace kizuna::pipeline {

ExportStageTimes ProgressMeter::busy() const noexcept {
    const auto s = [&](Part p) {
        return static_cast<double>(busy_ns_[static_cast<int>(p)].load(std::memory_order_relaxed)) *
               1e-9;
    };
    ExportStageTimes t;
    t.decode_s = s(Part::decode);
    t.pre_s = s(Part::pre);
    t.ai_s = s(Part::ai);
    t.post_s = s(Part::post);
    t.encode_s = s(Part::encode);
    return t;
}

double ProgressMeter::elapsed_s() const noexcept {
    return std::chrono::duration<double>(Clock::now() - start_).count();
}

ExportProgress ProgressMeter::snapshot(ExportProgress::State state, int64_t ai_fallbacks,
                                       bool ai_disabled) {
    ExportProgress p;
    const Clock::time_point now = Clock::now();
    p.frames_done = frames_done();
    p.frames_total = frames_total_;
    p.elapsed_s = std::chrono::duration<double>(now - start_).count();
    p.busy = busy();
    p.ai_fallback_frames = ai_fallbacks;
    p.ai_disabled = ai_disabled;
    p.state = state;
    {
        std::lock_guard lock(mutex_);
        window_.emplace_back(now, p.frames_done);
        while (window_.size() > 2 &&
               std::chrono::duration<double>(now - window_[1].first).count() >= 5.0) {
            window_.pop_front();
        }
        const auto& [t0, f0] = window_.front();
        const double dt = std::chrono::duration<double>(now - t0).count();
        if (window_.size() >= 2 && dt > 0.2 && p.frames_done > f0) {
            p.fps = static_cast<double>(p.frames_done - f0) / dt;
        } else if (p.elapsed_s > 0) {
            p.fps = static_cast<double>(p.frames_done) / p.elapsed_s;
        }
    }
    if (p.frames_total > 0 && p.fps > 0) {
        p.eta_s = static_cast<double>(std::max<int64_t>(p.frames_total - p.frames_done, 0)) / p.fps;
    }
    return p;
}

}  // namespace kizuna::pipeline
