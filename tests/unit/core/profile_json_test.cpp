// profile_to_json: readable output that parse_profile reads back into an equal profile.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "kizuna/profile.hpp"

namespace kizuna {
namespace {

// A profile with every field away from its default (and still valid).
Profile unusual_profile() {
    Profile p;
    p.name = "unusual";
    p.description = "quotes \" backslash \\ newline \n unicode \xC3\xA9\xE2\x9C\x93";
    p.normalize = {false, 0.37f, 4, true};
    p.reconstruct = {false, 0.001f, 0.999f};
    p.upscale = {false, 0.1f, 1.9f};
    p.enhance = {false, 0.33f, 0.66f, 1.05f, 1.75f};
    p.temporal = {true, 0.123f, 0.001f, 1.0f};
    p.ai.enabled = true;
    p.ai.model = "/models/x.param";
    p.ai.scale = 3;
    p.ai.tile_size = 2048;
    p.ai.tile_overlap = 128;
    p.ai.strength = 0.5f;
    p.ai.backend = BackendPreference::none;
    p.ai.threads = 256;
    p.ai.precision = AiPrecision::fp16;
    p.output.scale = 7.3f;
    p.output.width = 16;
    p.output.height = 16384;
    p.output.video_codec = "libsvtav1";
    p.output.crf = 63;
    p.output.preset = "4";
    p.output.pixel_format = "yuv420p10le";
    p.output.image_bit_depth = 16;
    return p;
}

TEST(ProfileJson, RoundTripsEveryField) {
    const Profile p = unusual_profile();
    ASSERT_TRUE(validate_profile(p).ok()) << validate_profile(p).error().message;
    const std::string text = profile_to_json(p);
    auto back = parse_profile(text, "x.json");
    ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text;
    EXPECT_EQ(*back, p) << text;
}

TEST(ProfileJson, RoundTripsTheDefaultsAndEveryBackend) {
    for (auto backend : {BackendPreference::auto_select, BackendPreference::vulkan,
                         BackendPreference::cpu, BackendPreference::none}) {
        Profile p;
        p.name = "defaults";
        p.ai.backend = backend;
        auto back = parse_profile(profile_to_json(p), "defaults.json");
        ASSERT_TRUE(back.ok()) << back.error().message;
        EXPECT_EQ(*back, p);
    }
}

TEST(ProfileJson, RoundTripsEveryPrecision) {
    for (auto precision : {AiPrecision::automatic, AiPrecision::fp32, AiPrecision::fp16}) {
        Profile p;
        p.name = "precision";
        p.ai.precision = precision;
        const std::string text = profile_to_json(p);
        EXPECT_NE(text.find("\"precision\": \"" + std::string(ai_precision_name(precision)) + "\""),
                  std::string::npos)
            << text;
        auto back = parse_profile(text, "precision.json");
        ASSERT_TRUE(back.ok()) << back.error().message;
        EXPECT_EQ(*back, p);
    }
}

TEST(ProfileJson, OutputIsTheDocumentedShape) {
    Profile p;
    p.name = "n";
    p.enhance.saturation = 1.05f;
    p.ai.backend = BackendPreference::auto_select;
    const std::string text = profile_to_json(p);
    // Floats print as written, not as their binary expansion.
    EXPECT_NE(text.find("\"saturation\": 1.05,"), std::string::npos) << text;
    EXPECT_NE(text.find("\"motion_threshold\": 0.03,"), std::string::npos) << text;
    EXPECT_NE(text.find("\"backend\": \"auto\""), std::string::npos) << text;
    EXPECT_NE(text.find("\n    \"stages\": {\n        \"normalize\": {"), std::string::npos)
        << text;
    // Schema order: schema, name, description, stages, ai, output.
    const size_t schema = text.find("\"schema\": 1");
    const size_t name = text.find("\"name\"");
    const size_t stages = text.find("\"stages\"");
    const size_t ai = text.find("\"ai\"");
    const size_t output = text.find("\"output\"");
    EXPECT_LT(schema, name);
    EXPECT_LT(name, stages);
    EXPECT_LT(stages, ai);
    EXPECT_LT(ai, output);
    EXPECT_NE(output, std::string::npos);

    // Every key of the schema is present, at its JSON path.
    const auto doc = nlohmann::json::parse(text);
    EXPECT_EQ(doc.at("stages").at("temporal").at("scene_cut_threshold").get<double>(), 0.25);
    EXPECT_EQ(doc.at("ai").at("tile_overlap"), "auto");
    EXPECT_EQ(doc.at("output").at("pixel_format").get<std::string>(), "yuv420p");
    EXPECT_EQ(doc.at("stages").size(), 5u);
    EXPECT_EQ(doc.at("stages").at("enhance").size(), 5u);
    EXPECT_EQ(doc.at("ai").size(), 9u);
    EXPECT_EQ(doc.at("ai").at("precision"), "auto");
    EXPECT_EQ(doc.at("output").size(), 8u);
}

TEST(ProfileJson, BuiltinsRoundTrip) {
    for (const std::string& name : builtin_profile_names()) {
        auto p = builtin_profile(name);
        ASSERT_TRUE(p.ok()) << p.error().message;
        auto back = parse_profile(profile_to_json(*p), name + ".json");
        ASSERT_TRUE(back.ok()) << back.error().message;
        EXPECT_EQ(*back, *p) << name;
    }
}

}  // namespace
}  // namespace kizuna

namespace kizuna {
namespace {

// Text a terminal would act on (DEL, C1 controls, bidirectional overrides) is written as JSON
// escapes, and reads back as the same text.
TEST(ProfileJson, TerminalControlsInStringsAreEscaped) {
    Profile p;
    p.name =
        "del\x7f"
        "csi\xc2\x9b"
        "rlo\xe2\x80\xae"
        "ls\xe2\x80\xa8"
        "lri\xe2\x81\xa6";
    p.description = "\x1b[31m\x07";
    const std::string json = profile_to_json(p);
    for (unsigned char c : json) EXPECT_TRUE(c >= 0x20 || c == '\n') << int(c);
    EXPECT_EQ(json.find('\x7f'), std::string::npos);
    EXPECT_EQ(json.find("\xc2\x9b"), std::string::npos);
    EXPECT_EQ(json.find("\xe2\x80\xae"), std::string::npos);
    EXPECT_NE(json.find("\\u009b"), std::string::npos) << json;
    EXPECT_NE(json.find("\\u202e"), std::string::npos) << json;
    auto back = parse_profile(json, "x.json");
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->name, p.name);
    EXPECT_EQ(back->description, p.description);
}

}  // namespace
}  // namespace kizuna
