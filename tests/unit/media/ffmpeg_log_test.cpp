// route_ffmpeg_log_to_kizuna: FFmpeg's log arrives as whole lines at mapped levels.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

extern "C" {
#include <libavutil/log.h>
}

#include "kizuna/log.hpp"
#include "kizuna/media.hpp"
#include "media_test_support.hpp"

namespace kizuna::test {
namespace {

struct Captured {
    std::mutex m;
    std::vector<std::pair<LogLevel, std::string>> lines;
};

class FfmpegLog : public ::testing::Test {
protected:
    void SetUp() override {
        set_log_level(LogLevel::info);
        set_log_callback([this](LogLevel l, std::string_view msg) {
            std::lock_guard lock(cap_.m);
            cap_.lines.emplace_back(l, std::string(msg));
        });
        route_ffmpeg_log_to_kizuna();
        route_ffmpeg_log_to_kizuna();  // idempotent: lines still arrive once
    }
    void TearDown() override {
        set_log_callback({});
        av_log_set_callback(av_log_default_callback);
    }
    Captured cap_;
};

TEST_F(FfmpegLog, PiecesBecomeOneLineAtTheMappedLevel) {
    av_log(nullptr, AV_LOG_WARNING, "first piece, ");
    av_log(nullptr, AV_LOG_WARNING, "second piece %d\n", 42);
    av_log(nullptr, AV_LOG_ERROR, "an error\n");
    av_log(nullptr, AV_LOG_INFO, "info line\n");
    av_log(nullptr, AV_LOG_DEBUG, "debug is below the level\n");
    ASSERT_EQ(cap_.lines.size(), 3u);
    EXPECT_EQ(cap_.lines[0].first, LogLevel::warn);
    EXPECT_EQ(cap_.lines[0].second, "first piece, second piece 42");
    EXPECT_EQ(cap_.lines[1].first, LogLevel::error);
    EXPECT_EQ(cap_.lines[1].second, "an error");
    EXPECT_EQ(cap_.lines[2].first, LogLevel::info);
}

TEST_F(FfmpegLog, ThreadsDoNotInterleaveLines) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([t] {
            for (int i = 0; i < 200; ++i) {
                av_log(nullptr, AV_LOG_WARNING, "thread %d ", t);
                av_log(nullptr, AV_LOG_WARNING, "line %d ", i);
                av_log(nullptr, AV_LOG_WARNING, "end\n");
            }
        });
    }
    for (auto& th : threads) th.join();
    ASSERT_EQ(cap_.lines.size(), 800u);
    for (const auto& [level, text] : cap_.lines) {
        int t = -1, i = -1;
        char end[8] = {};
        ASSERT_EQ(std::sscanf(text.c_str(), "thread %d line %d %7s", &t, &i, end), 3) << text;
        EXPECT_STREQ(end, "end") << text;
    }
}

TEST_F(FfmpegLog, DecoderErrorsOfABrokenFileArrive) {
    TempDir dir;
    ffmpeg("-f lavfi -i testsrc2=size=64x48 -frames:v 1 '" + (dir / "full.png").string() + "'");
    const auto full = read_bytes(dir / "full.png");
    write_bytes(dir / "cut.png",
                std::vector<uint8_t>(full.begin(), full.begin() + full.size() / 2));
    ASSERT_FALSE(read_image(dir / "cut.png").ok());
    std::lock_guard lock(cap_.m);
    const bool found = std::any_of(cap_.lines.begin(), cap_.lines.end(), [](const auto& l) {
        return l.first == LogLevel::error && l.second.rfind("[png @ ", 0) == 0;
    });
    EXPECT_TRUE(found) << cap_.lines.size() << " lines captured";
}

TEST_F(FfmpegLog, ClassPrefixIsKept) {
    // A context with a class gets FFmpeg's "[name @ 0x...] " prefix.
    AVClass cls{};
    cls.class_name = "kztest";
    cls.item_name = av_default_item_name;
    cls.version = LIBAVUTIL_VERSION_INT;
    struct Obj {
        const AVClass* c;
    } obj{&cls};
    av_log(&obj, AV_LOG_ERROR, "something broke\n");
    ASSERT_EQ(cap_.lines.size(), 1u);
    EXPECT_EQ(cap_.lines[0].second.rfind("[kztest @ ", 0), 0u) << cap_.lines[0].second;
    EXPECT_NE(cap_.lines[0].second.find("] something broke"), std::string::npos);
}

}  // namespace
}  // namespace kizuna::test
