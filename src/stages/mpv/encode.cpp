// The output packing of a linear-light chain as an mpv hook pass (passes.hpp).
#include "stages/mpv/glsl_common.hpp"
#include "stages/mpv/passes.hpp"

namespace kizuna::stages::mpv {

HookPass encode_srgb_pass() {
    static constexpr const char* body = R"glsl(void hook() {
    ivec2 size = kz_size();
    ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= size.x || p.y >= size.y) return;
    vec4 c = kz_load(p);
    imageStore(out_image, p, vec4(kz_linear_to_srgb(clamp(c.rgb, 0.0, 1.0)), c.a));
}
)glsl";
    HookPass pass;
    pass.desc = "KizunaSR output: linear light to sRGB";
    pass.binds = {"HOOKED"};
    pass.body = std::string(glsl_common) + body;
    return pass;
}

}  // namespace kizuna::stages::mpv
