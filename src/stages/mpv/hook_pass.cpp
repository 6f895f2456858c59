// Writing the blocks of an mpv user-shader file (hook_pass.hpp).
#include "stages/mpv/hook_pass.hpp"

#include <fmt/format.h>

namespace kizuna::stages::mpv {

std::string glsl_float(float v) {
    std::string s = fmt::format("{}", v);
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
}

std::string glsl_float_array(const float* v, int n) {
    std::string s = fmt::format("float[{}](", n);
    for (int i = 0; i < n; ++i) {
        if (i > 0) s += ", ";
        s += glsl_float(v[i]);
    }
    return s + ")";
}

std::string render(const HookPass& pass) {
    std::string s = "//!HOOK MAIN\n";
    for (const auto& b : pass.binds) s += "//!BIND " + b + "\n";
    if (!pass.save.empty()) s += "//!SAVE " + pass.save + "\n";
    if (pass.components > 0) s += fmt::format("//!COMPONENTS {}\n", pass.components);
    if (!pass.width.empty()) s += "//!WIDTH " + pass.width + "\n";
    if (!pass.height.empty()) s += "//!HEIGHT " + pass.height + "\n";
    if (!pass.when.empty()) s += "//!WHEN " + pass.when + "\n";
    if (pass.threads_w > 0) {
        s += fmt::format("//!COMPUTE {} {} {} {}\n", pass.block_w, pass.block_h, pass.threads_w,
                         pass.threads_h);
    } else {
        s += fmt::format("//!COMPUTE {} {}\n", pass.block_w, pass.block_h);
    }
    s += "//!DESC " + pass.desc + "\n\n";
    for (const auto& [name, value] : pass.defines) s += "#define " + name + " " + value + "\n";
    if (!pass.defines.empty()) s += "\n";
    s += pass.body;
    if (!s.ends_with('\n')) s += '\n';
    return s + "\n";
}

std::string render(const HookTexture& t) {
    std::string s = "//!TEXTURE " + t.name + "\n";
    s += fmt::format("//!SIZE {} {}\n", t.width, t.height);
    s += "//!FORMAT " + t.format + "\n";
    s += "//!STORAGE\n";
    if (!t.hex_data.empty()) s += t.hex_data + "\n";
    return s + "\n";
}

}  // namespace kizuna::stages::mpv
