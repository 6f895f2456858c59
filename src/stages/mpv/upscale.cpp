// One x2 step of stage 3 as an mpv hook pass (passes.hpp).
#include <fmt/format.h>

#include "stages/mpv/glsl_common.hpp"
#include "stages/mpv/passes.hpp"
#include "stages/resample.hpp"
#include "stages/upscale_kernel.hpp"

namespace kizuna::stages::mpv {

namespace {

// Constants: KZ_ANTI_RINGING, KZ_EDGE_SHARPNESS, KZ_EDGE_LO, KZ_EDGE_HI, KZ_ALIGN_LO, KZ_TINY
// (upscale_kernel.hpp), KZ_STEER (0: no gradients, plain lanczos3 clamped to the cell),
// KZ_LAST (1: clamp RGB to [0, 1] whatever the output size), KZ_LANCZOS (12 weights: taps -2..3
// for phase 0.75, i.e. even outputs, then phase 0.25), KZ_CATMULL (8: d0..d3 for the two
// phases), KZ_BICUBIC (8: alpha taps -1..2 for the two phases).
// A 16x16 block of outputs reads low-res columns and rows 8 b - 3 .. 8 b + 10: that 14x14 tile
// (clamped to the picture) goes to shared memory with its luma. Then, shared by the block: the
// Sobel gradients of tile texels 1..12 (each at its clamped picture position), and the
// horizontal pass of the separable filters for each of the 16 output columns on each of the 14
// tile rows (lanczos3 of RGB, bicubic of alpha anti-ringed to the two nearest); each output
// then does the vertical pass. This is the reference's order of operations (rows first).
constexpr const char* kBody = R"glsl(const float kz_lanczos[12] = KZ_LANCZOS;
const float kz_catmull[8] = KZ_CATMULL;
const float kz_bicubic[8] = KZ_BICUBIC;
const int KZ_T = 14;
shared vec4 kz_px[KZ_T * KZ_T];
shared float kz_lu[KZ_T * KZ_T];
shared vec2 kz_g[12 * 12];           // gradient of tile texel (x + 1, y + 1)
shared vec3 kz_h[16 * KZ_T];         // [tile row][output column]: horizontal lanczos3 of RGB
shared float kz_ha[16 * KZ_T];       // the same for alpha: bicubic, anti-ringed

vec4 kz_s(ivec2 t) { return kz_px[t.y * KZ_T + t.x]; }
float kz_l(ivec2 t) { return kz_lu[t.y * KZ_T + t.x]; }

void hook() {
    ivec2 size = kz_size();
    ivec2 base = ivec2(gl_WorkGroupID.xy) * 8 - 3;
    int lid = int(gl_LocalInvocationIndex);
    for (int i = lid; i < KZ_T * KZ_T; i += 256) {
        vec4 v = kz_load(base + ivec2(i % KZ_T, i / KZ_T));
        kz_px[i] = v;
        kz_lu[i] = kz_luma(v.rgb);
    }
    barrier();
    if (lid < 16 * KZ_T) {
        int col = lid % 16, row = lid / 16;
        int ox = int(gl_WorkGroupID.x) * 16 + col;
        int ph = ox & 1;
        int cx = ((ox - 1) >> 1) - base.x;
        vec3 acc = vec3(0.0);
        for (int k = 0; k < 6; ++k) acc += kz_lanczos[ph * 6 + k] * kz_s(ivec2(cx + k - 2, row)).rgb;
        kz_h[row * 16 + col] = acc;
        float a = 0.0;
        for (int k = 0; k < 4; ++k) a += kz_bicubic[ph * 4 + k] * kz_s(ivec2(cx + k - 1, row)).a;
        float e0 = kz_s(ivec2(cx, row)).a, e1 = kz_s(ivec2(cx + 1, row)).a;
        kz_ha[row * 16 + col] = clamp(a, min(e0, e1), max(e0, e1));
    }
#if KZ_STEER
    if (lid < 12 * 12) {
        ivec2 t = ivec2(lid % 12, lid / 12) + 1;
        ivec2 q = clamp(base + t, ivec2(0), size - 1) - base;
        float gx = (kz_l(q + ivec2(1, -1)) + 2.0 * kz_l(q + ivec2(1, 0)) + kz_l(q + ivec2(1, 1)) -
                    kz_l(q + ivec2(-1, -1)) - 2.0 * kz_l(q + ivec2(-1, 0)) -
                    kz_l(q + ivec2(-1, 1))) * 0.125;
        float gy = (kz_l(q + ivec2(-1, 1)) + 2.0 * kz_l(q + ivec2(0, 1)) + kz_l(q + ivec2(1, 1)) -
                    kz_l(q + ivec2(-1, -1)) - 2.0 * kz_l(q + ivec2(0, -1)) -
                    kz_l(q + ivec2(1, -1))) * 0.125;
        kz_g[lid] = vec2(gx, gy);
    }
#endif
    barrier();
    ivec2 o = ivec2(gl_GlobalInvocationID.xy);
    if (o.x >= 2 * size.x || o.y >= 2 * size.y) return;
    int i0 = (o.x - 1) >> 1, j0 = (o.y - 1) >> 1;
    int px = o.x & 1, py = o.y & 1;
    int col = int(gl_LocalInvocationID.x);
    bool main_diag = px == py;
    ivec2 c0 = ivec2(i0, j0) - base;

    // Structure tensor of the 2x2 cell (picture positions clamped) -> weight of the diagonal.
    float w = 0.0;
#if KZ_STEER
    float jxx = 0.0, jxy = 0.0, jyy = 0.0;
    for (int k = 0; k < 4; ++k) {
        ivec2 q = clamp(ivec2(i0 + (k & 1), j0 + (k >> 1)), ivec2(0), size - 1) - base - 1;
        vec2 g = kz_g[q.y * 12 + q.x];
        jxx += g.x * g.x;
        jxy += g.x * g.y;
        jyy += g.y * g.y;
    }
    jxx *= 0.25;
    jxy *= 0.25;
    jyy *= 0.25;
    float diff = jxx - jyy;
    float root = sqrt(diff * diff + 4.0 * jxy * jxy);
    float trace = jxx + jyy;
    if (root > KZ_TINY) {
        float coherence = root / (trace + KZ_TINY);
        float strength = sqrt(0.5 * (trace + root));
        float ramp = clamp((strength - KZ_EDGE_LO) / (KZ_EDGE_HI - KZ_EDGE_LO), 0.0, 1.0);
        float alpha = clamp(KZ_EDGE_SHARPNESS * coherence * ramp, 0.0, 1.0);
        float s2 = 2.0 * jxy / root;
        float align = main_diag ? 0.5 * (1.0 - s2) : 0.5 * (1.0 + s2);
        w = alpha * clamp((align - KZ_ALIGN_LO) / (1.0 - KZ_ALIGN_LO), 0.0, 1.0);
    }
#endif

    // Base: the vertical pass of the separable lanczos3 over rows j0-2..j0+3.
    vec3 lanc = vec3(0.0);
    for (int l = 0; l < 6; ++l) lanc += kz_lanczos[py * 6 + l] * kz_h[(c0.y + l - 2) * 16 + col];
    // Diagonal estimate: Catmull-Rom along the output's diagonal.
    vec3 d0, d1, d2, d3;
    if (main_diag) {
        d0 = kz_s(c0 + ivec2(-1, -1)).rgb;
        d1 = kz_s(c0).rgb;
        d2 = kz_s(c0 + ivec2(1, 1)).rgb;
        d3 = kz_s(c0 + ivec2(2, 2)).rgb;
    } else {
        d0 = kz_s(c0 + ivec2(-1, 2)).rgb;
        d1 = kz_s(c0 + ivec2(0, 1)).rgb;
        d2 = kz_s(c0 + ivec2(1, 0)).rgb;
        d3 = kz_s(c0 + ivec2(2, -1)).rgb;
    }
    int cr = px * 4;
    vec3 diag = kz_catmull[cr] * d0 + kz_catmull[cr + 1] * d1 + kz_catmull[cr + 2] * d2 +
                kz_catmull[cr + 3] * d3;
    vec3 v = lanc + w * (diag - lanc);
    vec3 a = kz_s(c0).rgb, b = kz_s(c0 + ivec2(1, 0)).rgb, c = kz_s(c0 + ivec2(0, 1)).rgb,
         d = kz_s(c0 + ivec2(1, 1)).rgb;
    vec3 lo = min(min(a, b), min(c, d));
    vec3 hi = max(max(a, b), max(c, d));
    v = v + KZ_ANTI_RINGING * (min(max(v, lo), hi) - v);
#if KZ_LAST
    bool last = true;
#else
    bool last = target_size.x < 4.0 * HOOKED_size.x || target_size.y < 4.0 * HOOKED_size.y;
#endif
    if (last) v = clamp(v, 0.0, 1.0);

    // Alpha: the vertical bicubic pass, anti-ringed to rows j0 and j0+1, clamped to [0, 1].
    float al = 0.0;
    for (int l = 0; l < 4; ++l) al += kz_bicubic[py * 4 + l] * kz_ha[(c0.y + l - 1) * 16 + col];
    float m1 = kz_ha[c0.y * 16 + col], m2 = kz_ha[(c0.y + 1) * 16 + col];
    al = clamp(clamp(al, min(m1, m2), max(m1, m2)), 0.0, 1.0);
    imageStore(out_image, o, vec4(v, al));
}
)glsl";

}  // namespace

HookPass upscale2x_pass(const UpscaleParams& params, int step, bool steer, bool last) {
    HookPass pass;
    pass.desc = fmt::format("KizunaSR 3 upscale: edge-directed x2, step {}", step);
    pass.binds = {"HOOKED"};
    pass.width = "HOOKED.w 2 *";
    pass.height = "HOOKED.h 2 *";
    // Only while the output is at least twice the picture on both axes (upscale_steps).
    pass.when = "OUTPUT.w HOOKED.w 2 * < ! OUTPUT.h HOOKED.h 2 * < ! *";
    float lanczos[12], catmull[8], bicubic[8];
    upscale2x::lanczos3_weights(0.75f, lanczos);
    upscale2x::lanczos3_weights(0.25f, lanczos + 6);
    for (int parity = 0; parity < 2; ++parity) {
        const float f = parity ? 0.25f : 0.75f;
        float* cr = catmull + 4 * parity;
        cr[0] = upscale2x::catmull_rom(f + 1.0f);
        cr[1] = upscale2x::catmull_rom(f);
        cr[2] = upscale2x::catmull_rom(1.0f - f);
        cr[3] = upscale2x::catmull_rom(2.0f - f);
        // resample.hpp at ratio 1/2: taps floor(s) - 1 .. floor(s) + 2, s - floor(s) = f.
        float* bc = bicubic + 4 * parity;
        float sum = 0.0f;
        for (int k = 0; k < 4; ++k) {
            sum += bc[k] = resample_kernel(ResampleFilter::bicubic, static_cast<float>(k - 1) - f);
        }
        for (int k = 0; k < 4; ++k) bc[k] /= sum;
    }
    pass.defines = {
        {"KZ_ANTI_RINGING", glsl_float(params.anti_ringing)},
        {"KZ_EDGE_SHARPNESS", glsl_float(params.edge_sharpness)},
        {"KZ_EDGE_LO", glsl_float(upscale2x::edge_lo)},
        {"KZ_EDGE_HI", glsl_float(upscale2x::edge_hi)},
        {"KZ_ALIGN_LO", glsl_float(upscale2x::align_lo)},
        {"KZ_TINY", glsl_float(upscale2x::tiny)},
        {"KZ_STEER", steer ? "1" : "0"},
        {"KZ_LAST", last ? "1" : "0"},
        {"KZ_LANCZOS", glsl_float_array(lanczos, 12)},
        {"KZ_CATMULL", glsl_float_array(catmull, 8)},
        {"KZ_BICUBIC", glsl_float_array(bicubic, 8)},
    };
    pass.body = std::string(glsl_common) + kBody;
    return pass;
}

}  // namespace kizuna::stages::mpv
