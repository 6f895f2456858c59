// Internal logging helpers: fmt-style formatting on top of kizuna::log. Formatting is skipped
// when the level is filtered out.
#pragma once

#include <fmt/format.h>

#include "kizuna/log.hpp"

namespace kizuna::detail {

template <class... Args>
void logf(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
    if (level < log_level()) return;
    log(level, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace kizuna::detail

#define KZ_LOG_DEBUG(...) ::kizuna::detail::logf(::kizuna::LogLevel::debug, __VA_ARGS__)
#define KZ_LOG_INFO(...) ::kizuna::detail::logf(::kizuna::LogLevel::info, __VA_ARGS__)
#define KZ_LOG_WARN(...) ::kizuna::detail::logf(::kizuna::LogLevel::warn, __VA_ARGS__)
#define KZ_LOG_ERROR(...) ::kizuna::detail::logf(::kizuna::LogLevel::error, __VA_ARGS__)
