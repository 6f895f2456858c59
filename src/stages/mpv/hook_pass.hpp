// One block of an mpv / libplacebo user-shader file ("//!HOOK" pass or "//!TEXTURE"), and how it
// is written out. The syntax is mpv's (--glsl-shaders), which libplacebo reads too:
//   //!HOOK MAIN, //!BIND, //!SAVE, //!WIDTH / //!HEIGHT / //!WHEN (reverse polish expressions),
//   //!COMPONENTS, //!COMPUTE bw bh [tw th], //!DESC; then the GLSL body.
// Every pass of this generator is a compute pass: its body defines `void hook()`, reads with
// texelFetch and writes with imageStore(out_image, ...), at integer texel coordinates.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace kizuna::stages::mpv {

struct HookPass {
    std::string desc;                  // //!DESC, one line
    std::vector<std::string> binds;    // //!BIND names, in order (HOOKED first by convention)
    std::string save;                  // //!SAVE name; empty = the result replaces MAIN
    int components = 0;                // //!COMPONENTS; 0 = as the hooked texture
    std::string width, height;         // //!WIDTH / //!HEIGHT expressions; empty = hooked size
    std::string when;                  // //!WHEN expression; empty = always
    int block_w = 16, block_h = 16;    // //!COMPUTE block size (output pixels per workgroup)
    int threads_w = 0, threads_h = 0;  // workgroup size; 0 = the block size
    // Constants put in front of the body as "#define NAME VALUE" lines (the baked parameters).
    std::vector<std::pair<std::string, std::string>> defines;
    std::string body;  // GLSL defining void hook()
};

// A persistent texture of the file: //!TEXTURE, //!SIZE, //!FORMAT, //!STORAGE, then its
// initial data in hex (may be empty for storage textures: contents then undefined).
struct HookTexture {
    std::string name;
    int width = 1, height = 1;
    std::string format;  // libplacebo format name, e.g. "rgba16hf", "rgba32f", "r32f"
    std::string hex_data;
};

// The block as text, ending with an empty line.
std::string render(const HookPass& pass);
std::string render(const HookTexture& texture);

// A GLSL float literal that reads back as exactly v (shortest round-trip form, always with a
// '.' or an exponent so it is never taken as an int). v must be finite.
std::string glsl_float(float v);

// "{a, b, ...}" as a GLSL array initialiser "float[n](a, b, ...)".
std::string glsl_float_array(const float* v, int n);

}  // namespace kizuna::stages::mpv
