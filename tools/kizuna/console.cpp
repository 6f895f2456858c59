#include "console.hpp"

#include <unistd.h>

#include <cstdio>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "kizuna/text.hpp"

namespace kizuna::cli {
namespace {

spdlog::level::level_enum to_spdlog(LogLevel level) {
    switch (level) {
        case LogLevel::trace:
            return spdlog::level::trace;
        case LogLevel::debug:
            return spdlog::level::debug;
        case LogLevel::info:
            return spdlog::level::info;
        case LogLevel::warn:
            return spdlog::level::warn;
        case LogLevel::error:
            return spdlog::level::err;
        case LogLevel::off:
            return spdlog::level::off;
    }
    return spdlog::level::info;
}

}  // namespace

Console& Console::instance() {
    static Console console;
    return console;
}

void Console::install(LogLevel level) {
    tty_ = isatty(STDERR_FILENO) != 0;
    auto logger = spdlog::stderr_color_mt("kizuna");
    logger->set_pattern("%^[%l]%$ %v");
    logger->set_level(to_spdlog(level));
    spdlog::set_default_logger(logger);
    set_log_level(level);
    set_log_callback([this](LogLevel l, std::string_view msg) { log(l, msg); });
}

void Console::clear_progress_locked() {
    if (!progress_.empty() && tty_) std::fputs("\r\033[K", stderr);
}

void Console::log(LogLevel level, std::string_view message) {
    std::lock_guard lock(mutex_);
    clear_progress_locked();
    spdlog::default_logger_raw()->log(to_spdlog(level), "{}", escape_for_terminal(message));
    spdlog::default_logger_raw()->flush();
    if (!progress_.empty() && tty_) {
        std::fputs(progress_.c_str(), stderr);
        std::fflush(stderr);
    }
}

void Console::progress(std::string_view line) {
    std::lock_guard lock(mutex_);
    if (tty_) {
        progress_.assign(line);
        std::fprintf(stderr, "\r\033[K%s", progress_.c_str());
    } else {
        if (progress_ == line) return;
        progress_.assign(line);
        std::fprintf(stderr, "%s\n", progress_.c_str());
    }
    std::fflush(stderr);
}

void Console::finish_progress() {
    std::lock_guard lock(mutex_);
    if (!progress_.empty() && tty_) std::fputc('\n', stderr);
    progress_.clear();
    std::fflush(stderr);
}

void Console::raw_line(std::string_view line) {
    std::lock_guard lock(mutex_);
    clear_progress_locked();
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fputc('\n', stderr);
    if (!progress_.empty() && tty_) std::fputs(progress_.c_str(), stderr);
    std::fflush(stderr);
}

void Console::error(std::string_view message) {
    std::lock_guard lock(mutex_);
    clear_progress_locked();
    progress_.clear();
    const std::string safe = escape_for_terminal(message);
    std::fprintf(stderr, "kizuna: error: %s\n", safe.c_str());
    std::fflush(stderr);
}

}  // namespace kizuna::cli
