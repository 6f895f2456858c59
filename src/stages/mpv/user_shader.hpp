// The preview chain as one mpv user-shader file (mpv --glsl-shaders, libplacebo's
// pl_mpv_user_shader_parse, FFmpeg's libplacebo filter custom_shader_path): a comment header,
// stage 5's storage textures when it is on, then the hook passes of passes.hpp in chain order:
//   normalize -> [line-art mask] -> x2 step 1..doublings -> [enhance] -> [temporal x3]
//   -> [sRGB encode]
// The last pass that writes MAIN never names it in //!SAVE (libplacebo's filter ignores such a
// result), and no comment follows a //!TEXTURE block (its body is its data).
#pragma once

#include <string>

#include "stages/stage_params.hpp"

namespace kizuna::stages::mpv {

struct UserShaderParams {
    PreviewParams chain;        // the stages as the preview runs them; upscale.out_* is not used
    int doublings = 1;          // x2 steps written, [1, 8]; each runs only when the output is large
                                // enough (passes.hpp), the rest of the scaling is the player's
    int history_width = 3840;   // stage 5's history texture, [16, 16384]: larger frames are not
    int history_height = 2160;  // stabilized
    std::string profile_name;   // named in the header
    std::string version;        // KizunaSR's version, named in the header
};

// The whole file. Arguments are trusted (checked at the public entry).
std::string user_shader_file(const UserShaderParams& params);

}  // namespace kizuna::stages::mpv
