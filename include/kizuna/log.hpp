// Logging. The library never prints: it hands each message to a callback that the host sets.
// FFmpeg's own log is routed into the same callback by the media module.
#pragma once

#include <functional>
#include <string_view>

namespace kizuna {

enum class LogLevel { trace = 0, debug, info, warn, error, off };

// Called with one line of text (no trailing newline). May be called from any thread, including
// the decoder, worker and encoder threads of an export; the callback must be thread safe.
using LogCallback = std::function<void(LogLevel level, std::string_view message)>;

// Replaces the callback. An empty callback discards all messages (the default).
// Thread safe; messages logged concurrently with the switch go to either the old or the new one.
void set_log_callback(LogCallback callback);

// Messages below this level are dropped before formatting. Default: info. Thread safe.
void set_log_level(LogLevel level);
LogLevel log_level() noexcept;

// Sends one message to the callback if level >= log_level(). Thread safe.
void log(LogLevel level, std::string_view message);

const char* log_level_name(LogLevel level) noexcept;

}  // namespace kizuna
