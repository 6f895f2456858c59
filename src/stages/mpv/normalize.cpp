// Stage 1 as an mpv hook pass (passes.hpp): clamp, bilateral denoise, linear light.
#include <fmt/format.h>

#include "stages/mpv/glsl_common.hpp"
#include "stages/mpv/passes.hpp"
#include "stages/normalize.hpp"

namespace kizuna::stages::mpv {

namespace {

// Constants: KZ_DENOISE, KZ_LINEAR (0/1); with KZ_DENOISE, KZ_RADIUS (r), KZ_RANGE_SCALE
// (-1 / (2 sr^2)) and KZ_SPATIAL (the (2r+1)^2 spatial weights of denoise_weights, row-major).
// The workgroup loads its 16x16 block plus r texels around it, clamped, into shared memory.
constexpr const char* kBody = R"glsl(#if KZ_DENOISE
const int KZ_T = 16 + 2 * KZ_RADIUS;
const int KZ_D = 2 * KZ_RADIUS + 1;
const float kz_spatial[KZ_D * KZ_D] = KZ_SPATIAL;
shared vec3 kz_tile[KZ_T * KZ_T];
#endif

void hook() {
    ivec2 size = kz_size();
    ivec2 p = ivec2(gl_GlobalInvocationID.xy);
#if KZ_DENOISE
    ivec2 base = ivec2(gl_WorkGroupID.xy) * 16 - KZ_RADIUS;
    for (int i = int(gl_LocalInvocationIndex); i < KZ_T * KZ_T; i += 256)
        kz_tile[i] = kz_clamp01(kz_load(base + ivec2(i % KZ_T, i / KZ_T))).rgb;
    barrier();
#endif
    if (p.x >= size.x || p.y >= size.y) return;
    vec4 c = kz_clamp01(kz_load(p));
#if KZ_DENOISE
    ivec2 t = p - base;
    float sum_w = 0.0;
    vec3 acc = vec3(0.0);
    for (int dy = -KZ_RADIUS; dy <= KZ_RADIUS; ++dy) {
        for (int dx = -KZ_RADIUS; dx <= KZ_RADIUS; ++dx) {
            vec3 q = kz_tile[(t.y + dy) * KZ_T + t.x + dx];
            vec3 d = q - c.rgb;
            float w = kz_spatial[(dy + KZ_RADIUS) * KZ_D + dx + KZ_RADIUS] *
                      exp((d.x * d.x + d.y * d.y + d.z * d.z) * KZ_RANGE_SCALE);
            sum_w += w;
            acc += w * q;
        }
    }
    c.rgb = acc / sum_w;
#endif
#if KZ_LINEAR
    c.rgb = kz_srgb_to_linear(clamp(c.rgb, 0.0, 1.0));
#endif
    imageStore(out_image, p, c);
}
)glsl";

}  // namespace

HookPass normalize_pass(const NormalizeParams& params) {
    HookPass pass;
    const bool denoise = params.denoise_strength > 0.0f;
    pass.desc = "KizunaSR 1 normalize: clamp to [0, 1]";
    pass.binds = {"HOOKED"};
    pass.defines = {{"KZ_DENOISE", denoise ? "1" : "0"},
                    {"KZ_LINEAR", params.linear_light ? "1" : "0"}};
    if (denoise) {
        const DenoiseWeights dw = denoise_weights(params);
        const int d = 2 * dw.radius + 1;
        pass.desc += fmt::format(", denoise (radius {}, strength {})", dw.radius,
                                 glsl_float(params.denoise_strength));
        pass.defines.emplace_back("KZ_RADIUS", std::to_string(dw.radius));
        pass.defines.emplace_back("KZ_RANGE_SCALE", glsl_float(dw.range_scale));
        pass.defines.emplace_back("KZ_SPATIAL", glsl_float_array(dw.spatial, d * d));
    }
    if (params.linear_light) pass.desc += ", sRGB to linear light";
    pass.body = std::string(glsl_common) + kBody;
    return pass;
}

}  // namespace kizuna::stages::mpv
