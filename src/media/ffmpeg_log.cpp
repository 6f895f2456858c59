// route_ffmpeg_log_to_kizuna: av_log callback that assembles whole lines and forwards them.
#include <algorithm>
#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <string>

extern "C" {
#include <libavutil/log.h>
}

#include "kizuna/log.hpp"
#include "kizuna/media.hpp"
#include "media/ffmpeg_log_capture.hpp"

namespace kizuna {
namespace {

std::atomic<LogLevel> g_ceiling{LogLevel::error};

LogLevel map_level(int av_level) {
    if (av_level <= AV_LOG_ERROR) return LogLevel::error;
    if (av_level <= AV_LOG_WARNING) return LogLevel::warn;
    if (av_level <= AV_LOG_INFO) return LogLevel::info;
    if (av_level <= AV_LOG_DEBUG) return LogLevel::debug;
    return LogLevel::trace;
}

// Partial line of the calling thread; FFmpeg often builds one line from several av_log calls.
struct PendingLine {
    std::string text;
    LogLevel level = LogLevel::info;  // the level of the line's first piece
    int print_prefix = 1;             // av_log_format_line2's "at the start of a line" state
};

// Hands warnings and errors of this thread to the active capture, whatever the log level.
void capture(int av_level, const char* format, va_list args) {
    media::FfmpegLogCapture* cap = media::FfmpegLogCapture::current();
    if (!cap || av_level > AV_LOG_WARNING) return;
    char buf[1024];
    va_list copy;
    va_copy(copy, args);
    const int n = std::vsnprintf(buf, sizeof buf, format, copy);
    va_end(copy);
    if (n < 0) return;
    cap->add_piece(std::string_view(buf, std::min<size_t>(static_cast<size_t>(n), sizeof buf - 1)));
}

void forward(void* avcl, int av_level, const char* format, va_list args) {
    capture(av_level, format, args);
    // FFmpeg's own level (av_log_set_level) filters first, like its default callback.
    if (av_level > av_log_get_level()) return;
    const LogLevel level = std::min(map_level(av_level), g_ceiling.load(std::memory_order_relaxed));
    if (level < log_level()) return;
    thread_local PendingLine pending;
    char buf[1024];
    va_list copy;
    va_copy(copy, args);
    const int n =
        av_log_format_line2(avcl, av_level, format, copy, buf, sizeof buf, &pending.print_prefix);
    va_end(copy);
    if (n < 0) return;
    if (pending.text.empty()) pending.level = level;
    pending.text.append(buf, std::min<size_t>(static_cast<size_t>(n), sizeof buf - 1));
    size_t end;
    while ((end = pending.text.find('\n')) != std::string::npos) {
        size_t len = end;
        while (len > 0 && (pending.text[len - 1] == '\r' || pending.text[len - 1] == ' ')) --len;
        if (len > 0) log(pending.level, std::string_view(pending.text).substr(0, len));
        pending.text.erase(0, end + 1);
        pending.level = level;
    }
}

}  // namespace

void route_ffmpeg_log_to_kizuna(LogLevel ceiling) {
    g_ceiling.store(ceiling, std::memory_order_relaxed);
    // Let FFmpeg produce only what could pass kizuna's current level after the ceiling;
    // forward() filters per message.
    const LogLevel level = log_level();
    av_log_set_level(ceiling < level            ? AV_LOG_QUIET
                     : level <= LogLevel::trace ? AV_LOG_TRACE
                     : level <= LogLevel::debug ? AV_LOG_DEBUG
                     : level <= LogLevel::info  ? AV_LOG_INFO
                     : level <= LogLevel::warn  ? AV_LOG_WARNING
                                                : AV_LOG_ERROR);
    av_log_set_callback(forward);
}

}  // namespace kizuna
