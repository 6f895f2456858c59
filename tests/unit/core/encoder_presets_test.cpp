// output.preset and output.crf per encoder: the named presets work with every encoder (the
// profile default "medium" used to fail at encoder open for libsvtav1, libvpx-vp9 and
// libaom-av1), each encoder's own numbers are accepted in its range, and anything else is refused
// with the allowed values.
#include <gtest/gtest.h>

#include <string>

#include "core/encoder_presets.hpp"
#include "kizuna/profile.hpp"

namespace kizuna {
namespace {

std::string options_text(std::string_view codec, std::string_view preset) {
    auto r = core::encoder_preset_options(codec, preset);
    std::string s;
    if (!r) {
        s = "error: ";
        s += r.error().message;
        return s;
    }
    for (const auto& [k, v] : *r) {
        s += k;
        s += '=';
        s += v;
        s += ';';
    }
    return s;
}

TEST(EncoderPresets, NamedPresetsMapToEachEncodersOwnSetting) {
    EXPECT_EQ(options_text("libx264", "medium"), "preset=medium;");
    EXPECT_EQ(options_text("libx265", "ultrafast"), "preset=ultrafast;");
    EXPECT_EQ(options_text("libsvtav1", "medium"), "preset=8;");
    EXPECT_EQ(options_text("libsvtav1", "ultrafast"), "preset=13;");
    EXPECT_EQ(options_text("libvpx-vp9", "medium"), "deadline=good;cpu-used=2;");
    EXPECT_EQ(options_text("libvpx-vp9", "ultrafast"), "deadline=realtime;cpu-used=8;");
    EXPECT_EQ(options_text("libaom-av1", "medium"), "cpu-used=4;");
    EXPECT_EQ(options_text("ffv1", "veryfast"), "");
}

TEST(EncoderPresets, NativeNumbersInRangeOnly) {
    EXPECT_EQ(options_text("libsvtav1", "0"), "preset=0;");
    EXPECT_EQ(options_text("libsvtav1", "13"), "preset=13;");
    EXPECT_NE(options_text("libsvtav1", "14")
                  .find("is not a libsvtav1 preset (allowed: a number "
                        "0 (slowest) to 13, or one of ultrafast"),
              std::string::npos);
    EXPECT_EQ(options_text("libvpx-vp9", "-3"), "deadline=good;cpu-used=-3;");
    EXPECT_NE(options_text("libvpx-vp9", "9").find("error"), std::string::npos);
    EXPECT_EQ(options_text("libaom-av1", "8"), "cpu-used=8;");
    EXPECT_NE(options_text("libaom-av1", "1.5").find("error"), std::string::npos);
    EXPECT_NE(options_text("libx264", "8").find("is not a libx264 preset (allowed: ultrafast"),
              std::string::npos);
    EXPECT_NE(options_text("ffv1", "3").find("error"), std::string::npos);
}

Profile with_encoder(std::string codec, std::string preset, int crf) {
    Profile p = *builtin_profile("performance");
    p.output.video_codec = std::move(codec);
    p.output.preset = std::move(preset);
    p.output.crf = crf;
    return p;
}

TEST(EncoderPresets, ProfileValidationUsesTheTable) {
    // The profile default "medium" is valid for every encoder.
    for (std::string codec : {"libsvtav1", "libvpx-vp9", "libaom-av1", "ffv1"}) {
        const Profile p = with_encoder(codec, "medium", 30);
        EXPECT_TRUE(validate_profile(p).ok())
            << codec << ": " << validate_profile(p).error().message;
    }
    auto r = validate_profile(with_encoder("libaom-av1", "9", 30));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("output.preset: \"9\" is not a libaom-av1 preset"),
              std::string::npos)
        << r.error().message;
    EXPECT_FALSE(validate_profile(with_encoder("libx264", "medium", 52)).ok());
    EXPECT_TRUE(validate_profile(with_encoder("libvpx-vp9", "medium", 52)).ok());
}

}  // namespace
}  // namespace kizuna
