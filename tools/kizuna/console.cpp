#include "console.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <iterator>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "kizuna/text.hpp"

namespace kizuna::cli {
namespace {

// By LogLevel (trace ... error, off).
constexpr spdlog::level::level_enum kSpdlogLevels[] = {
    spdlog::level::trace, spdlog::level::debug, spdlog::level::info,
    spdlog::level::warn,  spdlog::level::err,   spdlog::level::off,
};
static_assert(std::size(kSpdlogLevels) == static_cast<size_t>(LogLevel::off) + 1);

spdlog::level::level_enum to_spdlog(LogLevel level) {
    const auto i = static_cast<size_t>(level);
    return i < std::size(kSpdlogLevels) ? kSpdlogLevels[i] : spdlog::level::info;
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
