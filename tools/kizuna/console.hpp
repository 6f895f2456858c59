// The terminal side of the CLI: log lines (through spdlog) and one progress line that log lines
// never break. Thread safe: the library logs from its worker threads.
//
// Every log line and error passes through escape_for_terminal (kizuna/text.hpp) here, at the
// sink: messages quote file names, profile values, model layer names and FFmpeg's own lines, and
// no byte of those may reach the terminal as a control sequence.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "kizuna/log.hpp"

namespace kizuna::cli {

class Console {
public:
    static Console& instance();

    // Routes kizuna::log into spdlog on stderr at the given level (quiet: errors only).
    void install(LogLevel level);

    // Prints one log line, clearing and redrawing the progress line around it.
    void log(LogLevel level, std::string_view message);

    // Replaces the progress line (stderr, redrawn in place on a terminal; on a pipe, printed
    // at most once per whole percent so logs stay readable). finish_progress() ends it.
    void progress(std::string_view line);
    void finish_progress();

    // "kizuna: error: <message>" on stderr, whatever the log level.
    void error(std::string_view message);

    // One line on stderr as it is (e.g. a JSON progress object), around the progress line like
    // a log line. The caller guarantees it holds no terminal control bytes.
    void raw_line(std::string_view line);

    // Whether stderr is a terminal (install() decides).
    bool tty() const noexcept { return tty_; }

private:
    void clear_progress_locked();
    std::mutex mutex_;
    std::string progress_;
    bool tty_ = false;
};

}  // namespace kizuna::cli
