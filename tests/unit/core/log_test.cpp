#include "kizuna/log.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/logging.hpp"
#include "kizuna/error.hpp"

namespace kizuna {
namespace {

TEST(Log, CallbackReceivesMessagesAtOrAboveTheLevel) {
    std::vector<std::pair<LogLevel, std::string>> got;
    std::mutex m;
    set_log_callback([&](LogLevel l, std::string_view s) {
        std::lock_guard lock(m);
        got.emplace_back(l, std::string(s));
    });
    set_log_level(LogLevel::info);
    KZ_LOG_DEBUG("hidden {}", 1);
    KZ_LOG_INFO("shown {}", 2);
    KZ_LOG_ERROR("bad {}", "thing");
    set_log_callback(nullptr);
    KZ_LOG_ERROR("after reset");
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].first, LogLevel::info);
    EXPECT_EQ(got[0].second, "shown 2");
    EXPECT_EQ(got[1].second, "bad thing");
}

TEST(Log, ConcurrentLoggingDeliversEveryLine) {
    std::mutex m;
    int count = 0;
    set_log_callback([&](LogLevel, std::string_view) {
        std::lock_guard lock(m);
        ++count;
    });
    std::vector<std::thread> ts;
    for (int t = 0; t < 4; ++t) {
        ts.emplace_back([] {
            for (int i = 0; i < 1000; ++i) KZ_LOG_WARN("line {}", i);
        });
    }
    for (auto& t : ts) t.join();
    set_log_callback(nullptr);
    EXPECT_EQ(count, 4000);
}

Result<int> parse_positive(int v) {
    if (v <= 0) return make_error(Errc::invalid_argument, "value must be positive");
    return v;
}

Result<int> twice(int v) {
    KZ_TRY(parse_positive(v));
    return 2 * v;
}

TEST(Result, CarriesValueOrErrorAndPropagates) {
    EXPECT_EQ(*twice(4), 8);
    auto r = twice(-1);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_EQ(r.error().message, "value must be positive");
    EXPECT_STREQ(errc_name(Errc::corrupt_data), "corrupt_data");
}

}  // namespace
}  // namespace kizuna
