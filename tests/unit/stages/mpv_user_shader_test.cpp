// The mpv user-shader generator (stages/mpv): the file follows the grammar mpv and libplacebo
// read, holds the passes the profile's stages call for in chain order, and bakes the
// parameters in. Whether the passes compile and compute the right pictures is checked by
// tests/integration/mpv_shaders_glsl_test.cpp and mpv_shaders_libplacebo_test.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "mpv_file_parser.hpp"
#include "stages/mpv/hook_pass.hpp"
#include "stages/mpv/user_shader.hpp"

namespace kizuna::stages::mpv {
namespace {

using test::MpvBlock;
using test::MpvFile;
using test::parse_mpv_file;

// The stage settings of the built-in "balanced" profile (profiles/balanced.json).
UserShaderParams balanced() {
    UserShaderParams p;
    p.chain.enhance = {0.1f, 0.2f, 1.05f, 0.3f};
    p.chain.temporal_enabled = true;
    p.profile_name = "balanced";
    p.version = "test";
    return p;
}

MpvFile generate(const UserShaderParams& p) {
    return parse_mpv_file(user_shader_file(p));
}

// The stage a pass belongs to, from its description ("KizunaSR 3 upscale: ...").
std::vector<std::string> pass_kinds(const MpvFile& f) {
    std::vector<std::string> out;
    for (const MpvBlock* b : f.passes()) {
        const std::string d = b->get("DESC");
        const size_t colon = d.find(':');
        out.push_back(d.substr(0, colon == std::string::npos ? d.size() : colon));
    }
    return out;
}

float parse_float(const std::string& s) {
    return std::strtof(s.c_str(), nullptr);
}

std::vector<float> parse_array(const std::string& s) {  // "float[n](a, b, ...)"
    std::vector<float> v;
    const size_t open = s.find('(');
    std::istringstream in(s.substr(open + 1));
    std::string item;
    while (std::getline(in, item, ',')) v.push_back(parse_float(item));
    return v;
}

// Checks what mpv's and libplacebo's parsers need, on any generated file.
void expect_valid_grammar(const std::string& text) {
    const MpvFile f = parse_mpv_file(text);
    EXPECT_EQ(f.header.find("//!"), std::string::npos);
    ASSERT_FALSE(f.blocks.empty());
    std::set<std::string> textures, saved;
    bool seen_pass = false;
    const std::set<std::string> known = {"HOOK",   "BIND", "SAVE",    "COMPONENTS", "WIDTH",
                                         "HEIGHT", "WHEN", "COMPUTE", "DESC"};
    for (const MpvBlock& b : f.blocks) {
        if (b.is_texture()) {
            EXPECT_FALSE(seen_pass) << "textures come before the passes that bind them";
            textures.insert(b.get("TEXTURE"));
            EXPECT_TRUE(b.has("SIZE") && b.has("FORMAT") && b.has("STORAGE")) << b.get("TEXTURE");
            for (char c : b.body) {
                EXPECT_TRUE(std::isxdigit(static_cast<unsigned char>(c)) || std::isspace(c))
                    << "a TEXTURE body is its data: " << b.get("TEXTURE");
            }
            continue;
        }
        seen_pass = true;
        const std::string desc = b.get("DESC");
        EXPECT_EQ(b.directives[0], (std::pair<std::string, std::string>{"HOOK", "MAIN"}));
        for (const auto& d : b.directives) EXPECT_TRUE(known.count(d.first)) << d.first;
        EXPECT_FALSE(desc.empty());
        EXPECT_TRUE(b.has("COMPUTE")) << desc;
        EXPECT_NE(b.body.find("void hook()"), std::string::npos) << desc;
        // libplacebo's filter drops a result saved under MAIN's name: the chain never does it.
        const std::string save = b.get("SAVE");
        EXPECT_TRUE(save != "MAIN" && save != "MAINPRESUB" && save != "HOOKED") << desc;
        for (const std::string& bind : b.all("BIND")) {
            EXPECT_TRUE(bind == "HOOKED" || textures.count(bind) || saved.count(bind))
                << desc << " binds " << bind << " before anything provides it";
        }
        if (!save.empty()) saved.insert(save);
    }
    EXPECT_TRUE(f.blocks.back().get("SAVE").empty()) << "the last pass writes MAIN";
}

TEST(MpvUserShader, BalancedHasEveryStageInChainOrder) {
    const std::string text = user_shader_file(balanced());
    expect_valid_grammar(text);
    const MpvFile f = parse_mpv_file(text);
    EXPECT_EQ(pass_kinds(f), (std::vector<std::string>{
                                 "KizunaSR 1 normalize", "KizunaSR 2 reconstruct",
                                 "KizunaSR 3 upscale", "KizunaSR 4 enhance", "KizunaSR 5 temporal",
                                 "KizunaSR 5 temporal", "KizunaSR 5 temporal"}));
    EXPECT_NE(f.header.find("profile \"balanced\""), std::string::npos);
    EXPECT_NE(f.header.find("Y'CbCr decode"), std::string::npos) << "says stage 1's decode is "
                                                                    "the player's";
    EXPECT_NE(f.header.find("--vo=gpu cannot load"), std::string::npos);
    // The history textures: fp16 RGB at the default size, and a state that starts at zero.
    int textures = 0;
    for (const MpvBlock& b : f.blocks) {
        if (!b.is_texture()) continue;
        ++textures;
        if (b.get("TEXTURE") == "KZ_HISTORY") {
            EXPECT_EQ(b.get("SIZE"), "3840 2160");
            EXPECT_EQ(b.get("FORMAT"), "rgba16hf");
        }
        if (b.get("TEXTURE") == "KZ_STATE") {
            EXPECT_EQ(b.get("FORMAT"), "rgba32f");
            EXPECT_EQ(b.body, std::string(32, '0') + "\n\n");  // 1x1 rgba32f of zeros
        }
    }
    EXPECT_EQ(textures, 3);
}

TEST(MpvUserShader, TemporalOffNeedsNoStorageTextures) {
    UserShaderParams p = balanced();
    p.chain.temporal_enabled = false;
    const std::string text = user_shader_file(p);
    expect_valid_grammar(text);
    EXPECT_EQ(text.find("STORAGE"), std::string::npos) << "mpv --vo=gpu rejects storage textures";
    EXPECT_EQ(text.find("imageLoad"), std::string::npos);
    const MpvFile f = parse_mpv_file(text);
    EXPECT_EQ(pass_kinds(f).back(), "KizunaSR 4 enhance");
    EXPECT_NE(f.header.find("also works with mpv --vo=gpu"), std::string::npos);
}

TEST(MpvUserShader, StagesThatChangeNothingAreLeftOut) {
    UserShaderParams p = balanced();
    p.chain.temporal_enabled = false;
    p.chain.enhance = {};  // the identity
    EXPECT_EQ(pass_kinds(generate(p)),
              (std::vector<std::string>{"KizunaSR 1 normalize", "KizunaSR 3 upscale"}));

    // No line darkening: nobody reads line art, so stage 2 writes nothing.
    p = balanced();
    p.chain.enhance.line_darken = 0.0f;
    MpvFile f = generate(p);
    for (const MpvBlock* b : f.passes()) {
        EXPECT_EQ(b->get("DESC").find("reconstruct"), std::string::npos);
        for (const auto& bind : b->all("BIND")) EXPECT_NE(bind, "KZ_LINES");
    }

    // Upscale off: no x2 step (the player scales).
    p = balanced();
    p.chain.upscale_enabled = false;
    for (const std::string& k : pass_kinds(generate(p))) EXPECT_NE(k, "KizunaSR 3 upscale");
}

TEST(MpvUserShader, DisabledReconstructionStopsSteeringOnlyTheFirstStep) {
    UserShaderParams p = balanced();
    p.chain.reconstruct_enabled = false;
    p.doublings = 2;
    const MpvFile f = generate(p);
    std::vector<std::string> steer;
    for (const MpvBlock* b : f.passes()) {
        EXPECT_EQ(b->get("DESC").find("reconstruct"), std::string::npos);
        if (b->get("DESC").find("upscale") != std::string::npos)
            steer.push_back(b->define("KZ_STEER"));
    }
    // Later steps recompute gradients on the intermediate picture (upscale.hpp).
    EXPECT_EQ(steer, (std::vector<std::string>{"0", "1"}));
}

TEST(MpvUserShader, DoublingsAreConditionalAndOnlyTheLastClampsAlways) {
    UserShaderParams p = balanced();
    p.doublings = 3;
    const std::string text = user_shader_file(p);
    expect_valid_grammar(text);
    std::vector<std::string> last;
    const MpvFile f = parse_mpv_file(text);
    for (const MpvBlock* b : f.passes()) {
        if (b->get("DESC").find("upscale") == std::string::npos) continue;
        EXPECT_EQ(b->get("WIDTH"), "HOOKED.w 2 *");
        EXPECT_EQ(b->get("HEIGHT"), "HOOKED.h 2 *");
        EXPECT_EQ(b->get("WHEN"), "OUTPUT.w HOOKED.w 2 * < ! OUTPUT.h HOOKED.h 2 * < ! *");
        last.push_back(b->define("KZ_LAST"));
    }
    EXPECT_EQ(last, (std::vector<std::string>{"0", "0", "1"}));
}

// A linear-light chain is re-encoded to sRGB exactly once, by the last pass, whatever ends it.
TEST(MpvUserShader, LinearLightIsEncodedOnceAtTheEnd) {
    for (bool enhance : {false, true}) {
        for (bool temporal : {false, true}) {
            for (bool linear : {false, true}) {
                SCOPED_TRACE(testing::Message() << "enhance " << enhance << " temporal " << temporal
                                                << " linear " << linear);
                UserShaderParams p = balanced();
                p.chain.enhance_enabled = enhance;
                p.chain.temporal_enabled = temporal;
                p.chain.normalize.linear_light = linear;
                const std::string text = user_shader_file(p);
                expect_valid_grammar(text);
                const MpvFile f = generate(p);
                const auto passes = f.passes();
                int encoders = 0;
                for (const MpvBlock* b : passes) {
                    const bool enc =
                        b->define("KZ_ENCODE") == "1" ||
                        b->get("DESC").find("linear light to sRGB") != std::string::npos;
                    encoders += enc;
                    if (enc) {
                        EXPECT_EQ(b, passes.back());
                    }
                }
                EXPECT_EQ(encoders, linear ? 1 : 0);
                EXPECT_EQ(passes.front()->define("KZ_LINEAR"), linear ? "1" : "0");
            }
        }
    }
}

TEST(MpvUserShader, ParametersAreBakedIn) {
    UserShaderParams p = balanced();
    p.chain.normalize.denoise_strength = 0.3f;
    p.chain.normalize.denoise_radius = 3;
    p.chain.enhance.saturation = 1.3f;
    p.chain.upscale.anti_ringing = 0.45f;
    p.chain.temporal.scene_cut_threshold = 0.2f;
    p.history_width = 1920;
    p.history_height = 1080;
    const MpvFile f = generate(p);
    std::string saturation, anti_ringing, cut, spatial, range_scale, history;
    for (const MpvBlock* b : f.passes()) {
        if (saturation.empty()) saturation = b->define("KZ_SATURATION");
        if (anti_ringing.empty()) anti_ringing = b->define("KZ_ANTI_RINGING");
        if (cut.empty()) cut = b->define("KZ_SCENE_CUT");
        if (spatial.empty()) spatial = b->define("KZ_SPATIAL");
        if (range_scale.empty()) range_scale = b->define("KZ_RANGE_SCALE");
        if (b->get("DESC").find("temporal") != std::string::npos) history = b->get("WHEN");
    }
    EXPECT_EQ(parse_float(saturation), 1.3f);
    EXPECT_EQ(parse_float(anti_ringing), 0.45f);
    EXPECT_EQ(parse_float(cut), 0.2f);
    EXPECT_EQ(history, "HOOKED.w 1920 > ! HOOKED.h 1080 > ! *");
    // Denoise (normalize.hpp): ss = r / 2, sr = 0.1 strength.
    EXPECT_NEAR(parse_float(range_scale), -1.0 / (2.0 * 0.03 * 0.03), 1e-2);
    const std::vector<float> w = parse_array(spatial);
    ASSERT_EQ(w.size(), 49u);
    EXPECT_FLOAT_EQ(w[24], 1.0f);                   // centre
    EXPECT_NEAR(w[0], std::exp(-4.0), 1e-6);        // corner: (9 + 9) / (2 * 1.5^2)
    EXPECT_NEAR(w[3], std::exp(-9.0 / 4.5), 1e-6);  // (0, -3)
}

// The interpolation weights of the x2 step are normalised, and phase 0.25 mirrors phase 0.75.
TEST(MpvUserShader, UpscaleWeightsAreNormalisedAndMirrored) {
    const MpvFile f = generate(balanced());
    for (const MpvBlock* b : f.passes()) {
        if (b->get("DESC").find("upscale") == std::string::npos) continue;
        for (const auto& [name, taps] :
             {std::pair{"KZ_LANCZOS", 6}, std::pair{"KZ_CATMULL", 4}, std::pair{"KZ_BICUBIC", 4}}) {
            SCOPED_TRACE(name);
            const std::vector<float> w = parse_array(b->define(name));
            ASSERT_EQ(w.size(), static_cast<size_t>(2 * taps));
            for (int phase = 0; phase < 2; ++phase) {
                double sum = 0;
                for (int k = 0; k < taps; ++k) sum += w[phase * taps + k];
                EXPECT_NEAR(sum, 1.0, 1e-5);
            }
            for (int k = 0; k < taps; ++k) EXPECT_NEAR(w[k], w[2 * taps - 1 - k], 1e-6) << k;
        }
    }
}

TEST(MpvUserShader, FloatLiteralsReadBackExactly) {
    for (float v : {0.0f, 1.0f, 2.0f, -0.5f, 0.1f, 0.06f, 1e-12f, 1.05f, 3.3333333f, 0.0072f,
                    123456.0f, -2e-7f}) {
        const std::string s = glsl_float(v);
        EXPECT_NE(s.find_first_of(".e"), std::string::npos) << s << " would be an int";
        EXPECT_EQ(std::strtof(s.c_str(), nullptr), v) << s;
    }
    EXPECT_EQ(glsl_float_array(std::vector<float>{1.0f, 0.25f}.data(), 2), "float[2](1.0, 0.25)");
}

}  // namespace
}  // namespace kizuna::stages::mpv
