#include <gtest/gtest.h>

#include <algorithm>

#include "kizuna/probe.hpp"

namespace kizuna::test {
namespace {

TEST(MediaProbe, ListsLibraryVersionsAndVideoEncoders) {
    const MediaLibraryInfo info = probe_media_libraries();
    ASSERT_EQ(info.library_versions.size(), 4u);
    for (const char* lib : {"libavformat ", "libavcodec ", "libavutil ", "libswscale "}) {
        const bool found = std::any_of(
            info.library_versions.begin(), info.library_versions.end(), [&](const std::string& v) {
                return v.rfind(lib, 0) == 0 && std::count(v.begin(), v.end(), '.') == 2;
            });
        EXPECT_TRUE(found) << lib;
    }
    auto has = [&](const std::string& s) {
        return std::find(info.video_encoders.begin(), info.video_encoders.end(), s) !=
               info.video_encoders.end();
    };
    EXPECT_TRUE(has("png (PNG (Portable Network Graphics) image)"));
    EXPECT_TRUE(has("ffv1 (FFmpeg video codec #1)"));
    // Audio encoders are not listed.
    for (const auto& e : info.video_encoders) EXPECT_NE(e.rfind("aac ", 0), 0u) << e;
}

}  // namespace
}  // namespace kizuna::test
