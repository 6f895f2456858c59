#include "progress_view.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "console.hpp"

namespace kizuna::cli {

namespace {

std::string clock_text(double s) {
    const auto t = static_cast<int64_t>(std::llround(std::max(s, 0.0)));
    if (t >= 3600) return fmt::format("{}:{:02}:{:02}", t / 3600, (t / 60) % 60, t % 60);
    return fmt::format("{}:{:02}", t / 60, t % 60);
}

}  // namespace

Result<std::unique_ptr<ProgressView>> ProgressView::create(ProgressMode mode,
                                                           const std::string& file) {
    std::FILE* f = nullptr;
    if (!file.empty()) {
        f = std::fopen(file.c_str(), "w");
        if (!f) {
            return make_error(Errc::io_error,
                              fmt::format("--progress-file {}: {}", file, std::strerror(errno)));
        }
    }
    return std::unique_ptr<ProgressView>(new ProgressView(mode, f));
}

ProgressView::~ProgressView() {
    if (file_) std::fclose(file_);
}

std::string ProgressView::line_text(const ExportProgress& p) {
    std::string s = p.frames_total > 0
                        ? fmt::format("frame {}/{} ({:.0f}%)", p.frames_done, p.frames_total,
                                      100.0 * static_cast<double>(p.frames_done) /
                                          static_cast<double>(p.frames_total))
                        : fmt::format("frame {}", p.frames_done);
    s += fmt::format(", {:.1f} fps", p.fps);
    if (p.eta_s >= 0) s += ", ETA " + clock_text(p.eta_s);
    const double total = p.busy.total();
    if (total > 0) {
        const auto pct = [&](double v) { return 100.0 * v / total; };
        s += fmt::format(" | decode {:.0f}% pre {:.0f}% ai {:.0f}% post {:.0f}% encode {:.0f}%",
                         pct(p.busy.decode_s), pct(p.busy.pre_s), pct(p.busy.ai_s),
                         pct(p.busy.post_s), pct(p.busy.encode_s));
    }
    if (p.ai_disabled) {
        s += " | AI off";
    } else if (p.ai_fallback_frames > 0) {
        s += fmt::format(" | {} shader-only", p.ai_fallback_frames);
    }
    return s;
}

void ProgressView::update(const ExportProgress& p) {
    std::lock_guard lock(mutex_);
    if (file_) {
        std::fprintf(file_, "%s\n", export_progress_json(p).c_str());
        std::fflush(file_);
    }
    Console& console = Console::instance();
    switch (mode_) {
        case ProgressMode::none:
            return;
        case ProgressMode::json:
            console.raw_line(export_progress_json(p));
            return;
        case ProgressMode::line:
            break;
    }
    if (p.state != ExportProgress::State::running) return;
    if (!console.tty()) {
        // On a pipe: every 5%, or every 30 s when the total is unknown.
        const auto now = std::chrono::steady_clock::now();
        const int step =
            p.frames_total > 0
                ? static_cast<int>(20 * p.frames_done / std::max<int64_t>(p.frames_total, 1))
                : -1;
        const bool due =
            p.frames_total > 0 ? step != last_step_ : now - last_print_ >= std::chrono::seconds(30);
        if (!due) return;
        last_step_ = step;
        last_print_ = now;
    }
    console.progress(line_text(p));
}

void ProgressView::finish() {
    Console::instance().finish_progress();
}

}  // namespace kizuna::cli
