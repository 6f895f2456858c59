// --set overrides: conversion of the value text, and the same checks and messages as a file.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kizuna/profile.hpp"

namespace kizuna {
namespace {

// The message of an override that must fail; checks the profile is unchanged.
std::string override_error(std::string_view assignment) {
    Profile p;
    const Profile before = p;
    auto r = apply_override(p, assignment);
    EXPECT_FALSE(r.ok()) << "accepted: " << assignment;
    EXPECT_EQ(p, before) << "changed by a rejected override: " << assignment;
    if (r.ok()) return {};
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    return r.error().message;
}

TEST(ProfileOverride, SetsANumberABooleanAndAnEnum) {
    Profile p;
    ASSERT_TRUE(apply_override(p, "stages.enhance.saturation=1.2").ok());
    EXPECT_FLOAT_EQ(p.enhance.saturation, 1.2f);
    ASSERT_TRUE(apply_override(p, "ai.backend=cpu").ok());
    EXPECT_EQ(p.ai.backend, BackendPreference::cpu);
    ASSERT_TRUE(apply_override(p, "ai.precision=fp16").ok());
    EXPECT_EQ(p.ai.precision, AiPrecision::fp16);
    ASSERT_TRUE(apply_override(p, "ai.precision=\"fp32\"").ok());
    EXPECT_EQ(p.ai.precision, AiPrecision::fp32);
    ASSERT_TRUE(apply_override(p, "ai.precision=auto").ok());
    EXPECT_EQ(p.ai.precision, AiPrecision::automatic);
    p.temporal.enabled = true;
    ASSERT_TRUE(apply_override(p, "stages.temporal.enabled=false").ok());
    EXPECT_FALSE(p.temporal.enabled);
    ASSERT_TRUE(apply_override(p, "ai.scale=4").ok());
    EXPECT_EQ(p.ai.scale, 4);
    ASSERT_TRUE(apply_override(p, "output.video_codec=libx265").ok());
    EXPECT_EQ(p.output.video_codec, "libx265");
}

TEST(ProfileOverride, TextValuesMayBeBareOrQuotedAndKeepInnerSpaces) {
    Profile p;
    ASSERT_TRUE(apply_override(p, "ai.model=my models/anime x2.param").ok());
    EXPECT_EQ(p.ai.model, "my models/anime x2.param");
    ASSERT_TRUE(apply_override(p, R"(description="said \"hi\"")").ok());
    EXPECT_EQ(p.description, "said \"hi\"");
    // A number-looking text stays text for a string key.
    ASSERT_TRUE(apply_override(p, "output.preset=8").ok());
    EXPECT_EQ(p.output.preset, "8");
    ASSERT_TRUE(apply_override(p, "  stages.enhance.sharpen =  0.5 ").ok());
    EXPECT_FLOAT_EQ(p.enhance.sharpen, 0.5f);
}

TEST(ProfileOverride, ValueTextIsCoercedToTheKeysType) {
    Profile p;
    ASSERT_TRUE(apply_override(p, "stages.normalize.linear_light=true").ok());
    EXPECT_TRUE(p.normalize.linear_light);
    ASSERT_TRUE(apply_override(p, "ai.strength=1").ok());  // an integer for a float key
    EXPECT_FLOAT_EQ(p.ai.strength, 1.0f);
    ASSERT_TRUE(apply_override(p, "ai.tile_size=256.0").ok());
    EXPECT_EQ(p.ai.tile_size, 256);
    ASSERT_TRUE(apply_override(p, "ai.tile_overlap=40").ok());
    EXPECT_EQ(p.ai.tile_overlap, 40);
    ASSERT_TRUE(apply_override(p, "ai.tile_overlap=auto").ok());
    EXPECT_EQ(p.ai.tile_overlap, -1);
    ASSERT_TRUE(apply_override(p, "ai.tile_overlap=\"auto\"").ok());
    EXPECT_EQ(p.ai.tile_overlap, -1);

    EXPECT_EQ(override_error("stages.temporal.enabled=1"),
              "--set: stages.temporal.enabled: expected a boolean (true or false), got number 1");
    EXPECT_EQ(override_error("stages.temporal.enabled=yes"),
              "--set: stages.temporal.enabled: expected a boolean (true or false), got string "
              "\"yes\"");
    EXPECT_EQ(override_error("stages.enhance.saturation=1,2"),
              "--set: stages.enhance.saturation: expected a number, got string \"1,2\"");
    EXPECT_EQ(override_error("stages.enhance.saturation=nan"),
              "--set: stages.enhance.saturation: expected a number, got string \"nan\"");
    EXPECT_EQ(override_error("ai.tile_overlap=1.5"),
              "--set: ai.tile_overlap: expected an integer or \"auto\", got 1.5");
    EXPECT_EQ(override_error("ai.tile_overlap=automatic"),
              "--set: ai.tile_overlap: expected an integer or \"auto\", got string \"automatic\"");
    EXPECT_EQ(override_error("ai.tile_overlap=600"),
              "--set: ai.tile_overlap: 600 is outside [0, 512] (or \"auto\" = derived from the "
              "model's receptive field)");
    EXPECT_EQ(override_error("ai.scale=\"2\""),
              "--set: ai.scale: expected an integer, got string \"\"2\"\"");
    EXPECT_EQ(override_error("stages.enhance.saturation="),
              "--set: stages.enhance.saturation: expected a number, got string \"\"");
}

TEST(ProfileOverride, InvalidValuesGetTheSameMessageAsInAFile) {
    const std::string from_set = override_error("stages.enhance.saturation=3.5");
    auto file = parse_profile(R"({"schema": 1, "stages": {"enhance": {"saturation": 3.5}}})",
                              "balanced.json");
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(from_set, "--set: stages.enhance.saturation: 3.5 is outside [0, 2]");
    EXPECT_EQ(file.error().message,
              "balanced.json: stages.enhance.saturation: 3.5 is outside [0, 2]");

    EXPECT_EQ(override_error("ai.backend=gpu"),
              "--set: ai.backend: \"gpu\" is not one of \"auto\", \"vulkan\", \"cpu\", \"none\" "
              "(did you mean \"cpu\"?)");
    EXPECT_EQ(override_error("ai.precision=float16"),
              "--set: ai.precision: \"float16\" is not one of \"auto\", \"fp32\", \"fp16\"");
    EXPECT_EQ(override_error("ai.model="), "--set: ai.model: must not be empty");
    EXPECT_EQ(override_error("ai.tile_size=16"),
              "--set: ai.tile_size: 16 is outside [32, 2048] (or 0 = automatic)");
}

TEST(ProfileOverride, TextMustBeValidUtf8) {
    EXPECT_EQ(override_error("ai.model=bad\xFF.param"), "--set: ai.model: is not valid UTF-8");
    EXPECT_EQ(override_error("description=\xC3"), "--set: description: is not valid UTF-8");
    EXPECT_EQ(override_error("description=\xED\xA0\x80"),  // a UTF-16 surrogate
              "--set: description: is not valid UTF-8");
    EXPECT_EQ(override_error("description=\xC0\xAF"),  // an overlong '/'
              "--set: description: is not valid UTF-8");
    Profile p;
    ASSERT_TRUE(apply_override(p, "description=caf\xC3\xA9 \xF0\x9F\x8E\xA8").ok());
    EXPECT_EQ(p.description, "caf\xC3\xA9 \xF0\x9F\x8E\xA8");

    // A profile built in code with bad text fails validation and still serialises.
    Profile q;
    q.description = "x\xFFy";
    EXPECT_FALSE(validate_profile(q).ok());
    EXPECT_NE(profile_to_json(q).find("\"description\": \"x\xEF\xBF\xBDy\""), std::string::npos);
}

TEST(ProfileOverride, InvalidPathsSuggestOrExplain) {
    EXPECT_EQ(override_error("stages.enhnce.saturation=1"),
              "--set: stages.enhnce: unknown key (did you mean \"enhance\"?)");
    EXPECT_EQ(override_error("stages.enhance.saturaton=1"),
              "--set: stages.enhance.saturaton: unknown key (did you mean \"saturation\"?)");
    EXPECT_EQ(override_error("stages.enhance=1"),
              "--set: stages.enhance: is a section, not a value (set one of its keys: enabled, "
              "contrast, line_darken, saturation, sharpen)");
    EXPECT_EQ(override_error("stages.enhance.saturation.x=1"),
              "--set: stages.enhance.saturation: is a value, not a section (there is no "
              "\"stages.enhance.saturation.x\")");
    EXPECT_EQ(override_error("schema=2"),
              "--set: schema: is the format version of a profile file and cannot be set");
    EXPECT_NE(override_error("=1").find("--set: : unknown key"), std::string::npos);
    EXPECT_EQ(override_error("stages.enhance.saturation"),
              "--set: \"stages.enhance.saturation\": expected KEY=VALUE, e.g. "
              "stages.enhance.saturation=1.2");
}

TEST(ProfileOverride, SingleOverridesSkipCrossFieldRulesButValidateCatchesThem) {
    Profile p;
    ASSERT_TRUE(apply_override(p, "output.width=1920").ok());
    auto r = validate_profile(p, "--set");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message,
              "--set: output.width: 1920 is set but output.height is 0 (set both, or both to 0 to "
              "use output.scale)");
}

TEST(ProfileOverride, ApplyOverridesChecksTheResultAndIsAllOrNothing) {
    Profile p;
    const std::vector<std::string> both = {"output.width=1920", "output.height=1080",
                                           "ai.enabled=true"};
    ASSERT_TRUE(apply_overrides(p, both).ok());
    EXPECT_EQ(p.output.width, 1920);
    EXPECT_EQ(p.output.height, 1080);
    EXPECT_TRUE(p.ai.enabled);

    Profile q;
    const Profile before = q;
    const std::vector<std::string> half = {"ai.enabled=true", "output.width=1920"};
    auto r = apply_overrides(q, half);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("output.width: 1920 is set but output.height is 0"),
              std::string::npos);
    EXPECT_EQ(q, before);

    const std::vector<std::string> bad = {"ai.enabled=true", "ai.scale=9"};
    auto rb = apply_overrides(q, bad);
    ASSERT_FALSE(rb.ok());
    EXPECT_EQ(rb.error().message, "--set: ai.scale: 9 is not one of 1, 2, 3, 4");
    EXPECT_EQ(q, before);
}

}  // namespace
}  // namespace kizuna
