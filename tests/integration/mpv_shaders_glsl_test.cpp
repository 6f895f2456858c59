// Every pass of the mpv user shaders (kizuna/shaders.hpp) compiles as a GLSL 4.50 compute shader,
// for profile settings that take every conditional branch of every pass. The passes are wrapped
// the way libplacebo wraps them (HOOKED_raw / _size / _mul, NAME_raw / NAME_size of saved
// textures, storage images of TEXTURE blocks, out_image, target_size) and compiled with glslc
// (skipped when glslc is not on PATH). That the compiled passes compute the right pictures is
// checked in libplacebo itself (mpv_shaders_libplacebo_test.cpp), for fewer settings.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "kizuna/profile.hpp"
#include "kizuna/shaders.hpp"
#include "mpv_file_parser.hpp"

namespace kizuna::test {
namespace {

namespace fs = std::filesystem;

bool have_glslc() {
    return std::system("glslc --version >/dev/null 2>&1") == 0;
}

// GLSL layout format of a TEXTURE block's FORMAT.
std::string layout_format(const std::string& fmt) {
    if (fmt == "rgba16hf") return "rgba16f";
    return fmt;  // rgba32f, r32f
}

// A compute shader around one pass, declaring what libplacebo declares for it.
std::string wrap(const MpvBlock& pass, const std::map<std::string, std::string>& textures) {
    int tw = 16, th = 16;
    {
        std::istringstream in(pass.get("COMPUTE"));
        int bw = 0, bh = 0;
        in >> bw >> bh;
        tw = bw;
        th = bh;
        if (int x = 0, y = 0; in >> x >> y) {
            tw = x;
            th = y;
        }
    }
    std::string s = "#version 450\n";
    s += "layout(local_size_x = " + std::to_string(tw) + ", local_size_y = " + std::to_string(th) +
         ") in;\n";
    s += "layout(binding = 0, rgba16f) writeonly uniform image2D out_image;\n";
    s += "#define target_size vec2(384.0, 256.0)\n";
    int binding = 1;
    for (const std::string& name : pass.all("BIND")) {
        const std::string b = std::to_string(binding++);
        auto t = textures.find(name);
        if (t != textures.end()) {
            s += "layout(binding = " + b + ", " + layout_format(t->second) +
                 ") coherent uniform image2D " + name + ";\n";
            continue;
        }
        s += "layout(binding = " + b + ") uniform sampler2D " + name + "_raw;\n";
        s += "#define " + name + "_size vec2(textureSize(" + name + "_raw, 0))\n";
        s += "#define " + name + "_mul 1.0\n";
    }
    return s + pass.body + "void main() { hook(); }\n";
}

// Compiles every pass of the file; returns glslc's messages, "" when all compile.
std::string compile_all(const std::string& text, const fs::path& dir) {
    const MpvFile f = parse_mpv_file(text);
    std::map<std::string, std::string> textures;
    for (const MpvBlock& b : f.blocks) {
        if (b.is_texture()) textures[b.get("TEXTURE")] = b.get("FORMAT");
    }
    std::string files;
    int n = 0;
    for (const MpvBlock* pass : f.passes()) {
        const fs::path p = dir / ("pass" + std::to_string(n++) + ".comp");
        std::ofstream(p) << wrap(*pass, textures);
        files += " '" + p.string() + "'";
    }
    const fs::path log = dir / "glslc.log";
    const std::string cmd = "cd '" + dir.string() +
                            "' && glslc --target-env=vulkan1.1 -fshader-stage=compute -c" + files +
                            " >'" + log.string() + "' 2>&1";
    if (std::system(cmd.c_str()) == 0) return {};
    std::ifstream in(log);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(MpvUserShaderGlsl, EveryPassCompiles) {
    if (!have_glslc()) GTEST_SKIP() << "glslc is not on PATH";
    const fs::path dir =
        fs::temp_directory_path() / ("kizuna-mpv-glsl-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    // Together these take every #if branch of every pass both ways.
    struct Config {
        const char* name;
        float denoise;
        bool linear, reconstruct;
        EnhanceSettings enhance;
        bool temporal;
        int doublings;
    };
    const Config configs[] = {
        {"everything on", 0.3f, true, true, {true, 0.1f, 0.2f, 1.1f, 0.3f}, true, 2},
        {"everything off", 0.0f, false, false, {false, 0.0f, 0.0f, 1.0f, 0.0f}, false, 1},
        {"linear, output encoded by its own pass",
         0.0f,
         true,
         true,
         {false, 0.0f, 0.0f, 1.0f, 0.0f},
         false,
         1},
        {"linear, encoded by stage 4", 0.2f, true, false, {true, 0.0f, 0.0f, 0.9f, 0.0f}, false, 1},
        {"gamma, sharpen only, temporal",
         0.0f,
         false,
         true,
         {true, 0.0f, 0.0f, 1.0f, 0.5f},
         true,
         3},
    };
    for (const Config& c : configs) {
        auto p = builtin_profile("balanced");
        ASSERT_TRUE(p.ok());
        p->normalize.denoise_strength = c.denoise;
        p->normalize.linear_light = c.linear;
        p->reconstruct.enabled = c.reconstruct;
        p->enhance = c.enhance;
        p->temporal.enabled = c.temporal;
        MpvShaderOptions opts;
        opts.doublings = c.doublings;
        auto text = mpv_user_shaders(*p, opts);
        ASSERT_TRUE(text.ok()) << c.name << ": " << text.error().message;
        EXPECT_EQ(compile_all(*text, dir), "") << c.name;
    }
    fs::remove_all(dir);
}

}  // namespace
}  // namespace kizuna::test
