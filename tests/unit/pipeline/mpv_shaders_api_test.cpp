// The public mpv user-shader export (kizuna/shaders.hpp): option and profile checks, how many x2
// steps a profile gets, and the atomic write.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "kizuna/profile.hpp"
#include "kizuna/shaders.hpp"

namespace kizuna {
namespace {

namespace fs = std::filesystem;

int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

Profile balanced() {
    auto p = builtin_profile("balanced");
    EXPECT_TRUE(p.ok());
    return *p;
}

TEST(MpvShadersApi, StepsFollowTheProfileScaleUnlessGiven) {
    for (auto [scale, steps] : {std::pair{1.0f, 1}, std::pair{2.0f, 1}, std::pair{3.0f, 1},
                                std::pair{4.0f, 2}, std::pair{7.9f, 2}, std::pair{8.0f, 3}}) {
        Profile p = balanced();
        p.output.scale = scale;
        auto text = mpv_user_shaders(p);
        ASSERT_TRUE(text.ok()) << text.error().message;
        EXPECT_EQ(count(*text, "//!WIDTH HOOKED.w 2 *"), steps) << "scale " << scale;
    }
    MpvShaderOptions opts;
    opts.doublings = 5;
    auto text = mpv_user_shaders(balanced(), opts);
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(count(*text, "//!WIDTH HOOKED.w 2 *"), 5);
}

TEST(MpvShadersApi, OptionsAndProfilesAreChecked) {
    MpvShaderOptions opts;
    opts.doublings = 9;
    auto r = mpv_user_shaders(balanced(), opts);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_NE(r.error().message.find("doublings"), std::string::npos) << r.error().message;

    opts = {};
    opts.history_height = 8;
    r = mpv_user_shaders(balanced(), opts);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("history_height"), std::string::npos) << r.error().message;

    Profile bad = balanced();
    bad.enhance.saturation = 3.0f;
    r = mpv_user_shaders(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("saturation"), std::string::npos) << r.error().message;
}

TEST(MpvShadersApi, HistorySizeIsTheTextureSize) {
    MpvShaderOptions opts;
    opts.history_width = 2560;
    opts.history_height = 1440;
    auto text = mpv_user_shaders(balanced(), opts);
    ASSERT_TRUE(text.ok());
    EXPECT_NE(text->find("//!TEXTURE KZ_HISTORY\n//!SIZE 2560 1440\n"), std::string::npos);
}

TEST(MpvShadersApi, WritesAtomically) {
    const fs::path dir =
        fs::temp_directory_path() / ("kizuna-mpv-api-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path file = dir / "k.glsl";
    std::ofstream(file) << "old";
    ASSERT_TRUE(write_mpv_user_shaders(file, balanced()).ok());
    std::stringstream got;
    got << std::ifstream(file).rdbuf();
    EXPECT_EQ(got.str(), *mpv_user_shaders(balanced()));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);

    // A failure leaves the existing file as it was.
    Profile bad = balanced();
    bad.temporal.strength = -1.0f;
    EXPECT_FALSE(write_mpv_user_shaders(file, bad).ok());
    auto missing = write_mpv_user_shaders(dir / "no" / "k.glsl", balanced());
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Errc::not_found);
    std::stringstream again;
    again << std::ifstream(file).rdbuf();
    EXPECT_EQ(again.str(), got.str());
    fs::remove_all(dir);
}

}  // namespace
}  // namespace kizuna
