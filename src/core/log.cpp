#include "kizuna/log.hpp"
#include "core/enum_names.hpp"

#include <atomic>
#include <memory>
#include <mutex>

namespace kizuna {
namespace {

std::atomic<LogLevel> g_level{LogLevel::info};
std::mutex g_mutex;
std::shared_ptr<const LogCallback> g_callback;  // guarded by g_mutex

}  // namespace

void set_log_callback(LogCallback callback) {
    auto next = callback ? std::make_shared<const LogCallback>(std::move(callback)) : nullptr;
    std::lock_guard lock(g_mutex);
    g_callback = std::move(next);
}

void set_log_level(LogLevel level) {
    g_level.store(level, std::memory_order_relaxed);
}

LogLevel log_level() noexcept {
    return g_level.load(std::memory_order_relaxed);
}

void log(LogLevel level, std::string_view message) {
    if (level < log_level() || level == LogLevel::off) return;
    std::shared_ptr<const LogCallback> cb;
    {
        std::lock_guard lock(g_mutex);
        cb = g_callback;
    }
    if (cb) (*cb)(level, message);
}

const char* log_level_name(LogLevel level) noexcept {
    return enum_name<LogLevel::off>(level, {"trace", "debug", "info", "warn", "error", "off"});
}

}  // namespace kizuna
