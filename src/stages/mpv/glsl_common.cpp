// GLSL shared by every pass (glsl_common.hpp).
#include "stages/mpv/glsl_common.hpp"

namespace kizuna::stages::mpv {

const std::string_view glsl_common = R"glsl(ivec2 kz_size() { return ivec2(HOOKED_size); }

vec4 kz_load(ivec2 q) {
    return HOOKED_mul * texelFetch(HOOKED_raw, clamp(q, ivec2(0), kz_size() - 1), 0);
}

float kz_luma(vec3 c) { return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b; }

float kz_clamp01(float v) { return v > 0.0 ? (v < 1.0 ? v : 1.0) : 0.0; }
vec4 kz_clamp01(vec4 v) {
    return vec4(kz_clamp01(v.r), kz_clamp01(v.g), kz_clamp01(v.b), kz_clamp01(v.a));
}

float kz_srgb_to_linear(float c) {
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}
float kz_linear_to_srgb(float l) {
    return l <= 0.0031308 ? l * 12.92 : 1.055 * pow(l, 1.0 / 2.4) - 0.055;
}
vec3 kz_srgb_to_linear(vec3 c) {
    return vec3(kz_srgb_to_linear(c.r), kz_srgb_to_linear(c.g), kz_srgb_to_linear(c.b));
}
vec3 kz_linear_to_srgb(vec3 l) {
    return vec3(kz_linear_to_srgb(l.r), kz_linear_to_srgb(l.g), kz_linear_to_srgb(l.b));
}

)glsl";

}  // namespace kizuna::stages::mpv
