// Stage 4 as an mpv hook pass (passes.hpp).
#include <fmt/format.h>

#include "stages/enhance.hpp"
#include "stages/mpv/glsl_common.hpp"
#include "stages/mpv/passes.hpp"

namespace kizuna::stages::mpv {

namespace {

// Constants: KZ_SHARPEN_ON, KZ_LINE_ON, KZ_CONTRAST_ON, KZ_SATURATION_ON, KZ_LINEAR_INPUT,
// KZ_ENCODE (0/1) and the values KZ_SHARPEN, KZ_DARKEN (1 - enhance_line_darken_scale *
// line_darken), KZ_CONTRAST, KZ_SATURATION. With sharpening the workgroup loads its block and a
// one-texel border (clamped) into shared memory.
constexpr const char* kBody = R"glsl(#if KZ_SHARPEN_ON
const int KZ_T = 18;
shared vec4 kz_tile[KZ_T * KZ_T];
#endif

float kz_cbrt(float x) { return x == 0.0 ? 0.0 : sign(x) * pow(abs(x), 1.0 / 3.0); }

// OKLab chroma times sat, L kept, of a linear RGB colour; clamped to [0, 1] (color.hpp).
vec3 kz_scale_chroma(vec3 c, float sat) {
    float l = 0.4122214708 * c.r + 0.5363325363 * c.g + 0.0514459929 * c.b;
    float m = 0.2119034982 * c.r + 0.6806995451 * c.g + 0.1073969566 * c.b;
    float s = 0.0883024619 * c.r + 0.2817188376 * c.g + 0.6299787005 * c.b;
    float l_ = kz_cbrt(l), m_ = kz_cbrt(m), s_ = kz_cbrt(s);
    float L = 0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_;
    float l2 = L + sat * (l_ - L), m2 = L + sat * (m_ - L), s2 = L + sat * (s_ - L);
    float l3 = l2 * l2 * l2, m3 = m2 * m2 * m2, s3 = s2 * s2 * s2;
    vec3 o = vec3(4.0767416621 * l3 - 3.3077115913 * m3 + 0.2309699292 * s3,
                  -1.2684380046 * l3 + 2.6097574011 * m3 - 0.3413193965 * s3,
                  -0.0041960863 * l3 - 0.7034186147 * m3 + 1.7076147010 * s3);
    return clamp(o, 0.0, 1.0);
}

void hook() {
    ivec2 size = kz_size();
    ivec2 p = ivec2(gl_GlobalInvocationID.xy);
#if KZ_SHARPEN_ON
    ivec2 base = ivec2(gl_WorkGroupID.xy) * 16 - 1;
    for (int i = int(gl_LocalInvocationIndex); i < KZ_T * KZ_T; i += 256)
        kz_tile[i] = kz_load(base + ivec2(i % KZ_T, i / KZ_T));
    barrier();
#endif
    if (p.x >= size.x || p.y >= size.y) return;
#if KZ_SHARPEN_ON
    ivec2 t = p - base;
    vec4 src = kz_tile[t.y * KZ_T + t.x];
#else
    vec4 src = kz_load(p);
#endif
    vec3 c = src.rgb;
#if KZ_SHARPEN_ON
    // 1. Adaptive sharpening within the 3x3 range (no halo).
    vec3 sum = vec3(0.0), lo = c, hi = c;
    for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
            vec3 v = kz_tile[(t.y + dy) * KZ_T + t.x + dx].rgb;
            sum += v;
            lo = min(lo, v);
            hi = max(hi, v);
        }
    }
    vec3 mean = sum * (1.0 / 9.0);
    vec3 a = clamp((hi - lo - 1.0 / 255.0) * (255.0 / 4.0), 0.0, 1.0);
    c = clamp(c + KZ_SHARPEN * a * (c - mean), lo, hi);
#endif
#if KZ_LINE_ON
    // 2. Line darkening where stage 2 found line art (its mask has the input's size: nearest).
    ivec2 ms = ivec2(KZ_LINES_size);
    ivec2 mq = ivec2((p.x * ms.x) / size.x, (p.y * ms.y) / size.y);
    if (texelFetch(KZ_LINES_raw, mq, 0).r > 0.5) c *= KZ_DARKEN;
#endif
#if KZ_CONTRAST_ON
    // 3. S-curve contrast around mid grey.
    vec3 k = clamp(c, 0.0, 1.0);
    c = c + KZ_CONTRAST * (k * k * (3.0 - 2.0 * k) - k);
#endif
#if KZ_SATURATION_ON
    // 4. OKLab chroma scale in linear light.
    c = clamp(c, 0.0, 1.0);
#if !KZ_LINEAR_INPUT
    c = kz_srgb_to_linear(c);
#endif
    c = kz_scale_chroma(c, KZ_SATURATION);
#if !KZ_LINEAR_INPUT
    c = kz_linear_to_srgb(c);
#endif
#endif
#if KZ_ENCODE
    c = kz_linear_to_srgb(clamp(c, 0.0, 1.0));
#endif
    imageStore(out_image, p, vec4(c, src.a));
}
)glsl";

const char* flag(bool b) {
    return b ? "1" : "0";
}

}  // namespace

HookPass enhance_pass(const EnhanceParams& params, bool line_art, bool linear_input,
                      bool encode_srgb) {
    HookPass pass;
    pass.desc = fmt::format(
        "KizunaSR 4 enhance: sharpen {}, line darken {}, contrast {}, "
        "saturation {}",
        glsl_float(params.sharpen), glsl_float(line_art ? params.line_darken : 0.0f),
        glsl_float(params.contrast), glsl_float(params.saturation));
    if (encode_srgb) pass.desc += ", sRGB output";
    pass.binds = {"HOOKED"};
    const bool line_on = line_art && params.line_darken > 0.0f;
    if (line_on) pass.binds.emplace_back("KZ_LINES");
    pass.defines = {
        {"KZ_SHARPEN_ON", flag(params.sharpen > 0.0f)},
        {"KZ_LINE_ON", flag(line_on)},
        {"KZ_CONTRAST_ON", flag(params.contrast > 0.0f)},
        {"KZ_SATURATION_ON", flag(params.saturation != 1.0f)},
        {"KZ_LINEAR_INPUT", flag(linear_input)},
        {"KZ_ENCODE", flag(encode_srgb)},
        {"KZ_SHARPEN", glsl_float(params.sharpen)},
        {"KZ_DARKEN", glsl_float(1.0f - enhance_line_darken_scale * params.line_darken)},
        {"KZ_CONTRAST", glsl_float(params.contrast)},
        {"KZ_SATURATION", glsl_float(params.saturation)},
    };
    pass.body = std::string(glsl_common) + kBody;
    return pass;
}

}  // namespace kizuna::stages::mpv
