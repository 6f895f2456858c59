// A reader of mpv user-shader files for the tests, following the grammar mpv and libplacebo
// apply: text before the first "//!" is ignored; a block is a run of "//!" directive lines
// followed by a body that lasts until the next line starting with "//!". A block is a TEXTURE
// block when its first directive is //!TEXTURE (its body is hex data), else a hook pass.
#pragma once

#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace kizuna::test {

struct MpvBlock {
    std::vector<std::pair<std::string, std::string>> directives;  // ("HOOK", "MAIN"), ...
    std::string body;
    bool is_texture() const { return !directives.empty() && directives[0].first == "TEXTURE"; }
    // The argument of the first directive `name`, or "" when absent.
    std::string get(const std::string& name) const {
        for (const auto& [k, v] : directives) {
            if (k == name) return v;
        }
        return {};
    }
    bool has(const std::string& name) const {
        for (const auto& d : directives) {
            if (d.first == name) return true;
        }
        return false;
    }
    std::vector<std::string> all(const std::string& name) const {
        std::vector<std::string> out;
        for (const auto& [k, v] : directives) {
            if (k == name) out.push_back(v);
        }
        return out;
    }
    // The value of "#define name value" in the body, or "" when absent.
    std::string define(const std::string& name) const {
        std::istringstream in(body);
        std::string line;
        const std::string prefix = "#define " + name + " ";
        while (std::getline(in, line)) {
            if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
        }
        return {};
    }
};

struct MpvFile {
    std::string header;  // the text before the first "//!"
    std::vector<MpvBlock> blocks;
    std::vector<const MpvBlock*> passes() const {
        std::vector<const MpvBlock*> out;
        for (const auto& b : blocks) {
            if (!b.is_texture()) out.push_back(&b);
        }
        return out;
    }
};

inline MpvFile parse_mpv_file(const std::string& text) {
    MpvFile f;
    const size_t first = text.find("//!");
    f.header = text.substr(0, first);
    if (first == std::string::npos) return f;
    std::istringstream in(text.substr(first));
    std::string line;
    bool in_body = false;
    while (std::getline(in, line)) {
        if (line.rfind("//!", 0) == 0) {
            if (f.blocks.empty() || in_body) {
                f.blocks.emplace_back();
                in_body = false;
            }
            const std::string d = line.substr(3);
            const size_t sp = d.find(' ');
            f.blocks.back().directives.emplace_back(
                d.substr(0, sp), sp == std::string::npos ? "" : d.substr(sp + 1));
        } else {
            in_body = true;
            f.blocks.back().body += line + "\n";
        }
    }
    return f;
}

}  // namespace kizuna::test
