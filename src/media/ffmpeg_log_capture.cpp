#include "media/ffmpeg_log_capture.hpp"

#include <algorithm>

#include "kizuna/text.hpp"

namespace kizuna::media {
namespace {

constexpr size_t kKeep = 3;
thread_local FfmpegLogCapture* t_current = nullptr;

}  // namespace

FfmpegLogCapture::FfmpegLogCapture() : outer_(t_current) {
    t_current = this;
}

FfmpegLogCapture::~FfmpegLogCapture() {
    t_current = outer_;
}

FfmpegLogCapture* FfmpegLogCapture::current() noexcept {
    return t_current;
}

void FfmpegLogCapture::add_piece(std::string_view piece) {
    pending_.append(piece);
    size_t end;
    while ((end = pending_.find('\n')) != std::string::npos) {
        add_line(pending_.substr(0, end));
        pending_.erase(0, end + 1);
    }
}

void FfmpegLogCapture::add_line(std::string line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' ')) {
        line.pop_back();
    }
    if (line.empty()) return;
    lines_.erase(std::remove(lines_.begin(), lines_.end(), line), lines_.end());
    lines_.push_back(std::move(line));
    if (lines_.size() > kKeep) lines_.erase(lines_.begin());
}

std::string FfmpegLogCapture::reason() const {
    std::string out;
    std::vector<std::string> lines = lines_;
    if (!pending_.empty()) lines.push_back(pending_);
    for (const std::string& l : lines) {
        if (!out.empty()) out += "; ";
        out += escape_for_terminal(l);
    }
    return out;
}

Error with_ffmpeg_reason(Error error, const FfmpegLogCapture& capture) {
    const std::string reason = capture.reason();
    if (!reason.empty()) error.message += " (" + reason + ")";
    return error;
}

}  // namespace kizuna::media
