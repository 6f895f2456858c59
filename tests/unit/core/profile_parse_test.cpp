// Profile JSON parsing and validation: the messages a user sees for each kind of mistake.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include "kizuna/profile.hpp"

namespace kizuna {
namespace {

// {"schema": 1} with `value` placed at the dotted `path`.
std::string profile_with(std::string_view path, const nlohmann::json& value) {
    nlohmann::json root = {{"schema", 1}};
    nlohmann::json* node = &root;
    std::string_view rest = path;
    for (size_t dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
        node = &(*node)[std::string(rest.substr(0, dot))];
        rest = rest.substr(dot + 1);
    }
    (*node)[std::string(rest)] = value;
    return root.dump();
}

// The error message of parsing `json` as "my.json"; fails the test if it parsed.
std::string error_of(const std::string& json) {
    auto r = parse_profile(json, "my.json");
    EXPECT_FALSE(r.ok()) << "accepted: " << json;
    if (r.ok()) return {};
    EXPECT_EQ(r.error().code, Errc::invalid_argument) << r.error().message;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos) << "not one line";
    return r.error().message;
}

// A document and the exact message it is rejected with.
struct Rejection {
    std::string json;
    std::string message;
};

void expect_rejections(std::initializer_list<Rejection> cases) {
    for (const Rejection& c : cases) EXPECT_EQ(error_of(c.json), c.message) << c.json;
}

TEST(ProfileParse, OnlySchemaGivesTheDefaultsAndTheFileName) {
    auto r = parse_profile(R"({"schema": 1})", "some/dir/mine.json");
    ASSERT_TRUE(r.ok()) << r.error().message;
    Profile expected;
    expected.name = "mine";
    EXPECT_EQ(*r, expected);
    EXPECT_FLOAT_EQ(r->enhance.saturation, 1.0f);
    EXPECT_EQ(r->ai.model, "realesr-animevideov3-x2");
    EXPECT_EQ(r->output.video_codec, "libx264");
    EXPECT_FALSE(r->temporal.enabled);
}

TEST(ProfileParse, ReadsEveryKindOfValue) {
    auto r = parse_profile(R"({
        "schema": 1, "name": "custom", "description": "mine",
        "stages": {"enhance": {"saturation": 1.25, "enabled": false},
                   "normalize": {"denoise_radius": 3}},
        "ai": {"backend": "vulkan", "model": "x/y.param", "tile_size": 256},
        "output": {"width": 1920, "height": 1080, "video_codec": "libvpx-vp9", "crf": 40}
    })",
                           "c.json");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->name, "custom");
    EXPECT_EQ(r->description, "mine");
    EXPECT_FLOAT_EQ(r->enhance.saturation, 1.25f);
    EXPECT_FALSE(r->enhance.enabled);
    EXPECT_EQ(r->normalize.denoise_radius, 3);
    EXPECT_EQ(r->ai.backend, BackendPreference::vulkan);
    EXPECT_EQ(r->ai.precision, AiPrecision::automatic);  // the default: fp16 where the GPU has it
    EXPECT_EQ(r->ai.model, "x/y.param");
    EXPECT_EQ(r->ai.tile_size, 256);
    EXPECT_EQ(r->output.width, 1920);
    EXPECT_EQ(r->output.height, 1080);
    EXPECT_EQ(r->output.video_codec, "libvpx-vp9");
    EXPECT_EQ(r->output.crf, 40);
}

TEST(ProfileParse, OutOfRangeNamesThePathAndTheRange) {
    EXPECT_EQ(error_of(profile_with("stages.enhance.saturation", 3.5)),
              "my.json: stages.enhance.saturation: 3.5 is outside [0, 2]");
}

struct RangeCase {
    const char* path;
    double below;  // a value just below the range
    double above;  // a value just above it
    const char* range;
};

// Ranges as written in the agreed schema (notes/schema.md), not read from the code.
const RangeCase kRanges[] = {
    {"stages.normalize.denoise_strength", -0.01, 1.01, "[0, 1]"},
    {"stages.normalize.denoise_radius", 0, 5, "[1, 4]"},
    {"stages.reconstruct.edge_threshold", -0.5, 1.5, "[0, 1]"},
    {"stages.reconstruct.line_threshold", -0.5, 1.5, "[0, 1]"},
    {"stages.upscale.anti_ringing", -0.1, 1.1, "[0, 1]"},
    {"stages.upscale.edge_sharpness", -0.1, 2.1, "[0, 2]"},
    {"stages.enhance.contrast", -0.1, 1.1, "[0, 1]"},
    {"stages.enhance.line_darken", -0.1, 1.1, "[0, 1]"},
    {"stages.enhance.saturation", -0.1, 2.1, "[0, 2]"},
    {"stages.enhance.sharpen", -0.1, 2.1, "[0, 2]"},
    {"stages.temporal.strength", -0.1, 1.1, "[0, 1]"},
    {"stages.temporal.motion_threshold", 0.0005, 1.1, "[0.001, 1]"},
    {"stages.temporal.scene_cut_threshold", -0.1, 1.1, "[0, 1]"},
    {"ai.tile_overlap", -1, 513, "[0, 512]"},
    {"ai.strength", -0.1, 1.1, "[0, 1]"},
    {"ai.threads", -1, 257, "[1, 256]"},
    {"output.scale", 0.5, 8.5, "[1, 8]"},
    {"output.crf", -1, 64, "[0, 63]"},
};

TEST(ProfileParse, EveryRangeIsCheckedAtBothEnds) {
    for (const RangeCase& c : kRanges) {
        SCOPED_TRACE(c.path);
        for (double bad : {c.below, c.above}) {
            const std::string message = error_of(profile_with(c.path, bad));
            EXPECT_NE(message.find(std::string("my.json: ") + c.path + ": "), std::string::npos)
                << message;
            EXPECT_NE(message.find(std::string("is outside ") + c.range), std::string::npos)
                << message;
        }
    }
}

TEST(ProfileParse, RangeEndsThemselvesAreAccepted) {
    for (const RangeCase& c : kRanges) {
        SCOPED_TRACE(c.path);
        // Bounds taken from the range text: "[lo, hi]".
        const std::string range = c.range;
        const double lo = std::stod(range.substr(1));
        const double hi = std::stod(range.substr(range.find(", ") + 2));
        for (double ok : {lo, hi}) {
            std::string json = profile_with(c.path, ok);
            if (std::string_view(c.path) == "output.crf") {
                // libx264 (the default) stops at 51; AV1 encoders take the whole range.
                auto doc = nlohmann::json::parse(json);
                doc["output"]["video_codec"] = "libaom-av1";
                json = doc.dump();
            }
            auto r = parse_profile(json, "my.json");
            EXPECT_TRUE(r.ok()) << ok << ": " << (r.ok() ? "" : r.error().message);
        }
    }
}

TEST(ProfileParse, ZeroMeansAutomaticWhereTheSchemaSaysSo) {
    for (const char* path : {"ai.tile_size", "ai.threads"}) {
        auto r = parse_profile(profile_with(path, 0), "my.json");
        EXPECT_TRUE(r.ok()) << path;
    }
    EXPECT_EQ(error_of(profile_with("ai.tile_size", 16)),
              "my.json: ai.tile_size: 16 is outside [32, 2048] (or 0 = automatic)");
    EXPECT_NE(
        error_of(profile_with("output.width", 8)).find("output.width: 8 is outside [16, 16384]"),
        std::string::npos);
}

TEST(ProfileParse, SetValuedIntegersListTheAllowedValues) {
    EXPECT_EQ(error_of(profile_with("ai.scale", 5)),
              "my.json: ai.scale: 5 is not one of 1, 2, 3, 4");
    EXPECT_EQ(error_of(profile_with("output.image_bit_depth", 12)),
              "my.json: output.image_bit_depth: 12 is not one of 8, 16");
}

TEST(ProfileParse, IntegersMustBeIntegers) {
    EXPECT_EQ(error_of(profile_with("ai.tile_overlap", 2.5)),
              "my.json: ai.tile_overlap: expected an integer or \"auto\", got 2.5");
    EXPECT_EQ(error_of(profile_with("ai.scale", "2")),
              "my.json: ai.scale: expected an integer, got string \"2\"");
    // An integral value written with a fraction is still that integer.
    auto r = parse_profile(profile_with("ai.tile_overlap", 24.0), "my.json");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->ai.tile_overlap, 24);
}

TEST(ProfileParse, WrongTypesSayWhatWasExpectedAndWhatCame) {
    EXPECT_EQ(error_of(profile_with("stages.enhance.saturation", "high")),
              "my.json: stages.enhance.saturation: expected a number, got string \"high\"");
    EXPECT_NE(
        error_of(profile_with("stages.temporal.enabled", 1))
            .find("stages.temporal.enabled: expected a boolean (true or false), got number 1"),
        std::string::npos);
    EXPECT_NE(
        error_of(profile_with("ai.model", 5)).find("ai.model: expected a string, got number 5"),
        std::string::npos);
    EXPECT_NE(error_of(profile_with("stages.enhance.sharpen", nullptr))
                  .find("stages.enhance.sharpen: expected a number, got null"),
              std::string::npos);
    EXPECT_EQ(error_of(R"({"schema": 1, "stages": [1, 2]})"),
              "my.json: stages: expected an object, got array");
    EXPECT_EQ(error_of(R"({"schema": 1, "ai": {"enabled": "yes"}})"),
              "my.json: ai.enabled: expected a boolean (true or false), got string \"yes\"");
}

TEST(ProfileParse, EmptyRequiredStringsAreRejected) {
    EXPECT_EQ(error_of(profile_with("ai.model", "")), "my.json: ai.model: must not be empty");
    EXPECT_EQ(error_of(profile_with("output.preset", "")),
              "my.json: output.preset: must not be empty");
}

TEST(ProfileParse, UnknownKeysSuggestTheNearestValidKey) {
    expect_rejections({
        {R"({"schema": 1, "stages": {"enhnce": {}}})",
         "my.json: stages.enhnce: unknown key (did you mean \"enhance\"?)"},
        {R"({"schema": 1, "stage": {}})", "my.json: stage: unknown key (did you mean \"stages\"?)"},
        {R"({"schema": 1, "stages": {"enhance": {"saturaton": 1}}})",
         "my.json: stages.enhance.saturaton: unknown key (did you mean \"saturation\"?)"},
        {R"({"schema": 1, "ai": {"Backend": "cpu"}})",
         "my.json: ai.Backend: unknown key (did you mean \"backend\"?)"},
        {R"({"schema": 1, "ai": {"tilesize": 64}})",
         "my.json: ai.tilesize: unknown key (did you mean \"tile_size\"?)"},
    });
}

TEST(ProfileParse, UnknownKeyWithNothingCloseListsTheAllowedKeys) {
    const std::string message = error_of(R"({"schema": 1, "output": {"bitrate": 5000}})");
    EXPECT_NE(message.find("my.json: output.bitrate: unknown key (allowed here: scale, width, "
                           "height, video_codec, crf, preset, pixel_format, image_bit_depth)"),
              std::string::npos)
        << message;
}

TEST(ProfileParse, DottedKeysAreNotPaths) {
    EXPECT_NE(error_of(R"({"schema": 1, "stages.enhance": {"saturation": 1}})")
                  .find("stages.enhance: unknown key"),
              std::string::npos);
}

TEST(ProfileParse, BadEnumStringsListTheAllowedValues) {
    EXPECT_EQ(error_of(profile_with("ai.backend", "gpu")),
              "my.json: ai.backend: \"gpu\" is not one of \"auto\", \"vulkan\", \"cpu\", \"none\" "
              "(did you mean \"cpu\"?)");
    EXPECT_EQ(error_of(profile_with("ai.precision", "half")),
              "my.json: ai.precision: \"half\" is not one of \"auto\", \"fp32\", \"fp16\"");
    EXPECT_EQ(error_of(profile_with("ai.precision", "fp61")),
              "my.json: ai.precision: \"fp61\" is not one of \"auto\", \"fp32\", \"fp16\" "
              "(did you mean \"fp16\"?)");
    EXPECT_EQ(error_of(profile_with("ai.precision", 16.0)),
              "my.json: ai.precision: expected a string, got number 16.0");
    EXPECT_EQ(
        error_of(profile_with("output.video_codec", "x264")),
        "my.json: output.video_codec: \"x264\" is not one of \"libx264\", \"libx265\", "
        "\"libsvtav1\", \"libvpx-vp9\", \"libaom-av1\", \"ffv1\" (did you mean \"libx264\"?)");
    const std::string message = error_of(profile_with("output.pixel_format", "rgb24"));
    EXPECT_NE(message.find("output.pixel_format: \"rgb24\" is not one of \"yuv420p\", "
                           "\"yuv420p10le\", \"yuv444p\", \"yuv444p10le\""),
              std::string::npos)
        << message;
}

TEST(ProfileParse, SchemaVersionIsRequiredAndMustBeOne) {
    expect_rejections({
        {R"({"name": "x"})", "my.json: \"schema\" is missing (add \"schema\": 1 at the top level)"},
        {R"({"schema": 2})", "my.json: schema: 2 is not supported (this version reads schema 1)"},
        {R"({"schema": "1"})", "my.json: schema: expected an integer, got string \"1\""},
    });
}

TEST(ProfileParse, MalformedJsonGivesLineAndColumn) {
    const std::string text = "{\n    \"schema\": 1,\n    \"name\": \"x\",\n}\n";
    const std::string message = error_of(text);
    EXPECT_EQ(message.rfind("my.json: line 4, column 1: syntax error", 0), 0u) << message;

    const std::string missing_colon = "{\n  \"schema\" 1\n}";
    const std::string m2 = error_of(missing_colon);
    EXPECT_EQ(m2.rfind("my.json: line 2, column ", 0), 0u) << m2;
    EXPECT_NE(m2.find("syntax error"), std::string::npos) << m2;

    EXPECT_EQ(error_of("").rfind("my.json: line 1, column 1: syntax error", 0), 0u);
    EXPECT_NE(error_of(R"({"schema": 1} trailing)").find("line 1, column "), std::string::npos);
}

TEST(ProfileParse, NonObjectDocumentsAreRejected) {
    expect_rejections({
        {"[1, 2]", "my.json: expected a JSON object at the top level, got array"},
        {"42", "my.json: expected a JSON object at the top level, got number 42"},
    });
}

TEST(ProfileParse, AKeyGivenTwiceIsReported) {
    expect_rejections({
        {R"({"schema": 1, "ai": {"scale": 2, "scale": 4}})", "my.json: ai.scale: key given twice"},
        {R"({"schema": 1, "stages": {}, "stages": {}})", "my.json: stages: key given twice"},
    });
}

TEST(ProfileParse, HugeNumbersAreReportedNotInfinite) {
    const std::string message = error_of(R"({"schema": 1, "output": {"scale": 1e400}})");
    EXPECT_EQ(message.rfind("my.json: ", 0), 0u) << message;
    EXPECT_NE(message.find("1e400"), std::string::npos) << message;
}

TEST(ProfileParse, WidthWithoutHeightIsRejected) {
    EXPECT_EQ(error_of(R"({"schema": 1, "output": {"width": 1920}})"),
              "my.json: output.width: 1920 is set but output.height is 0 (set both, or both to 0 "
              "to use output.scale)");
    EXPECT_NE(error_of(R"({"schema": 1, "output": {"height": 1080}})")
                  .find("output.height: 1080 is set but output.width is 0"),
              std::string::npos);
}

TEST(ProfileParse, TileOverlapMustLeaveRoomInTheTile) {
    EXPECT_EQ(error_of(R"({"schema": 1, "ai": {"tile_size": 64, "tile_overlap": 32}})"),
              "my.json: ai.tile_overlap: 32 is too large for ai.tile_size 64 (2 x overlap must be "
              "less than the tile size)");
    EXPECT_TRUE(
        parse_profile(R"({"schema": 1, "ai": {"tile_size": 64, "tile_overlap": 31}})", "a").ok());
    // Automatic tiles pick a size that fits the overlap.
    EXPECT_TRUE(
        parse_profile(R"({"schema": 1, "ai": {"tile_size": 0, "tile_overlap": 128}})", "a").ok());
}

TEST(ProfileParse, EncoderSpecificLimits) {
    EXPECT_EQ(error_of(R"({"schema": 1, "output": {"crf": 55}})"),
              "my.json: output.crf: 55 is outside [0, 51] for libx264");
    EXPECT_TRUE(
        parse_profile(R"({"schema": 1, "output": {"video_codec": "libaom-av1", "crf": 55}})", "a")
            .ok());
    EXPECT_NE(error_of(R"({"schema": 1, "output": {"preset": "fastest"}})")
                  .find("output.preset: \"fastest\" is not a libx264 preset (allowed: ultrafast, "),
              std::string::npos);
    EXPECT_NE(error_of(R"({"schema": 1, "output": {"preset": "fastest"}})")
                  .find("(did you mean \"faster\"?)"),
              std::string::npos);
    EXPECT_EQ(error_of(R"({"schema": 1, "output": {"video_codec": "libsvtav1",
                                                    "pixel_format": "yuv444p", "preset": "8"}})"),
              "my.json: output.pixel_format: \"yuv444p\" is not supported by libsvtav1 (allowed: "
              "yuv420p, yuv420p10le)");
    EXPECT_TRUE(parse_profile(R"({"schema": 1, "output": {"video_codec": "libsvtav1",
                                  "pixel_format": "yuv420p10le", "preset": "8"}})",
                              "a")
                    .ok());
}

TEST(ProfileParse, ValidateProfileUsesTheSameMessages) {
    Profile p;
    p.name = "mine";
    EXPECT_TRUE(validate_profile(p).ok());
    p.enhance.saturation = 3.5f;
    auto r = validate_profile(p);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "mine: stages.enhance.saturation: 3.5 is outside [0, 2]");
    auto named = validate_profile(p, "cli");
    ASSERT_FALSE(named.ok());
    EXPECT_EQ(named.error().message, "cli: stages.enhance.saturation: 3.5 is outside [0, 2]");

    Profile q;
    q.ai.backend = static_cast<BackendPreference>(9);
    EXPECT_FALSE(validate_profile(q).ok());
    Profile bad_precision;
    bad_precision.ai.precision = static_cast<AiPrecision>(7);
    auto rp = validate_profile(bad_precision);
    ASSERT_FALSE(rp.ok());
    EXPECT_NE(rp.error().message.find("ai.precision"), std::string::npos);
    Profile nan;
    nan.upscale.anti_ringing = std::numeric_limits<float>::quiet_NaN();
    auto rn = validate_profile(nan);
    ASSERT_FALSE(rn.ok());
    EXPECT_NE(rn.error().message.find("stages.upscale.anti_ringing"), std::string::npos);
}

}  // namespace
}  // namespace kizuna
