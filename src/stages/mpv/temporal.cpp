// Stage 5 as mpv hook passes (passes.hpp), with its history in libplacebo storage textures:
//   KZ_HISTORY  rgba16hf, history_width x history_height: H, the previous output (RGB) rounded to
//               fp16 by the format, in its top-left corner
//   KZ_BLOCKS   r32f, one texel per 16x16 block: the block's sum of |Y(E) - Y(H)|
//   KZ_STATE    rgba32f, 1x1, initially 0: (1, width, height, 0) once H holds a frame of that size
// Passes, all skipped when the frame is larger than the history (it then passes through):
//   KZ_DIFF     D = (|Er - Hr| + |Eg - Hg| + |Eb - Hb|) / 3 per pixel, and the block sums
//   KZ_CUT      1x1: 1 when the history is unusable (none, another size) or the mean of
//               |Y(E) - Y(H)| is above scene_cut_threshold (a reset), else 0
//   (MAIN)      out = E + w (H - E), w from the 3x3 sum of D as temporal.hpp evaluates it; or E
//               on a reset. H = out, and the state is set.
// Differences from the other backends: D is kept at the precision of the renderer's
// intermediate textures (usually fp16) and the fp32 -> fp16 rounding of H is the driver's
// conversion; the 3x3 sum and the blend follow temporal.hpp's order of operations.
#include <fmt/format.h>

#include "stages/mpv/glsl_common.hpp"
#include "stages/mpv/passes.hpp"
#include "stages/temporal.hpp"

namespace kizuna::stages::mpv {

namespace {

// Per 16x16 workgroup: D of each pixel to out_image, and the sum of |Y(E) - Y(H)| reduced in
// shared memory (16 sums of 16, then their sum: two barriers) to one texel of KZ_BLOCKS.
constexpr const char* kDiffBody = R"glsl(shared float kz_sum[256];
shared float kz_part[16];

void hook() {
    ivec2 size = kz_size();
    ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    uint lid = gl_LocalInvocationIndex;
    float luma_diff = 0.0;
    if (p.x < size.x && p.y < size.y) {
        vec3 e = kz_load(p).rgb;
        vec3 h = imageLoad(KZ_HISTORY, p).rgb;
        vec3 ad = abs(e - h);
        float s = ad.x + ad.y;
        s = s + ad.z;
        imageStore(out_image, p, vec4(s * (1.0 / 3.0)));
        luma_diff = abs(kz_luma(e) - kz_luma(h));
    }
    kz_sum[lid] = luma_diff;
    barrier();
    if (lid < 16u) {
        float s = 0.0;
        for (uint k = 0u; k < 16u; ++k) s += kz_sum[lid * 16u + k];
        kz_part[lid] = s;
    }
    barrier();
    if (lid == 0u) {
        float s = 0.0;
        for (uint k = 0u; k < 16u; ++k) s += kz_part[k];
        imageStore(KZ_BLOCKS, ivec2(gl_WorkGroupID.xy), vec4(s));
    }
}
)glsl";

// One workgroup of 256: sums the block sums and decides whether this frame resets the history.
// Constant: KZ_SCENE_CUT.
constexpr const char* kCutBody = R"glsl(shared float kz_sum[256];

void hook() {
    ivec2 size = kz_size();
    ivec2 blocks = (size + 15) / 16;
    int n = blocks.x * blocks.y;
    uint lid = gl_LocalInvocationIndex;
    float s = 0.0;
    for (int i = int(lid); i < n; i += 256) s += imageLoad(KZ_BLOCKS, ivec2(i % blocks.x, i / blocks.x)).r;
    kz_sum[lid] = s;
    barrier();
    for (uint k = 128u; k > 0u; k >>= 1) {
        if (lid < k) kz_sum[lid] += kz_sum[lid + k];
        barrier();
    }
    if (lid == 0u) {
        vec4 st = imageLoad(KZ_STATE, ivec2(0));
        bool usable = st.x == 1.0 && st.y == float(size.x) && st.z == float(size.y);
        bool cut = !usable || kz_sum[0] / (float(size.x) * float(size.y)) > KZ_SCENE_CUT;
        imageStore(out_image, ivec2(0), vec4(cut ? 1.0 : 0.0));
    }
}
)glsl";

// Constants: KZ_STRENGTH, KZ_SLOPE (temporal_slope), KZ_ENCODE (0/1: sRGB OETF at the end). The
// workgroup loads D of its 16x16 block and one texel around it (clamped) into shared memory.
constexpr const char* kBlendBody = R"glsl(const int KZ_T = 18;
shared float kz_dt[KZ_T * KZ_T];
shared bool kz_cut;

void hook() {
    ivec2 size = kz_size();
    ivec2 base = ivec2(gl_WorkGroupID.xy) * 16 - 1;
    for (int i = int(gl_LocalInvocationIndex); i < KZ_T * KZ_T; i += 256) {
        ivec2 q = clamp(base + ivec2(i % KZ_T, i / KZ_T), ivec2(0), size - 1);
        kz_dt[i] = texelFetch(KZ_DIFF_raw, q, 0).r;
    }
    if (gl_LocalInvocationIndex == 0u) kz_cut = texelFetch(KZ_CUT_raw, ivec2(0), 0).r > 0.5;
    barrier();
    ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= size.x || p.y >= size.y) return;
    vec4 e = kz_load(p);
    vec3 o = e.rgb;
    if (!kz_cut) {
        ivec2 t = p - base;
        float s = 0.0;
        for (int dy = -1; dy <= 1; ++dy) {
            int row = (t.y + dy) * KZ_T + t.x;
            float r = kz_dt[row - 1] + kz_dt[row];
            r = r + kz_dt[row + 1];
            s = dy == -1 ? r : s + r;
        }
        float sk = s * KZ_SLOPE;
        float w = min(max(2.0 * KZ_STRENGTH - sk, 0.0), KZ_STRENGTH);
        vec3 h = imageLoad(KZ_HISTORY, p).rgb;
        o = e.rgb + w * (h - e.rgb);
    }
    imageStore(KZ_HISTORY, p, vec4(o, 1.0));
    if (p == ivec2(0)) imageStore(KZ_STATE, ivec2(0), vec4(1.0, float(size.x), float(size.y), 0.0));
#if KZ_ENCODE
    o = kz_linear_to_srgb(clamp(o, 0.0, 1.0));
#endif
    imageStore(out_image, p, vec4(o, e.a));
}
)glsl";

}  // namespace

std::vector<HookTexture> temporal_textures(int history_width, int history_height) {
    return {
        {"KZ_HISTORY", history_width, history_height, "rgba16hf", ""},
        {"KZ_BLOCKS", (history_width + 15) / 16, (history_height + 15) / 16, "r32f", ""},
        {"KZ_STATE", 1, 1, "rgba32f", std::string(32, '0')},
    };
}

std::vector<HookPass> temporal_passes(const TemporalParams& params, int history_width,
                                      int history_height, bool encode_srgb) {
    const std::string when =
        fmt::format("HOOKED.w {} > ! HOOKED.h {} > ! *", history_width, history_height);
    HookPass diff;
    diff.desc = "KizunaSR 5 temporal: difference to the history";
    diff.binds = {"HOOKED", "KZ_HISTORY", "KZ_BLOCKS"};
    diff.save = "KZ_DIFF";
    diff.components = 1;
    diff.when = when;
    diff.body = std::string(glsl_common) + kDiffBody;

    HookPass cut;
    cut.desc =
        "KizunaSR 5 temporal: scene cut (threshold " + glsl_float(params.scene_cut_threshold) + ")";
    cut.binds = {"HOOKED", "KZ_BLOCKS", "KZ_STATE"};
    cut.save = "KZ_CUT";
    cut.components = 1;
    cut.width = "1";
    cut.height = "1";
    cut.when = when;
    cut.block_w = cut.block_h = 1;
    cut.threads_w = cut.threads_h = 16;
    cut.defines = {{"KZ_SCENE_CUT", glsl_float(params.scene_cut_threshold)}};
    cut.body = std::string(glsl_common) + kCutBody;

    HookPass blend;
    blend.desc = fmt::format("KizunaSR 5 temporal: blend (strength {}, motion threshold {})",
                             glsl_float(params.strength), glsl_float(params.motion_threshold));
    if (encode_srgb) blend.desc += ", sRGB output";
    blend.binds = {"HOOKED", "KZ_DIFF", "KZ_CUT", "KZ_HISTORY", "KZ_STATE"};
    blend.when = when;
    blend.defines = {{"KZ_STRENGTH", glsl_float(params.strength)},
                     {"KZ_SLOPE", glsl_float(temporal_slope(params))},
                     {"KZ_ENCODE", encode_srgb ? "1" : "0"}};
    blend.body = std::string(glsl_common) + kBlendBody;
    return {diff, cut, blend};
}

}  // namespace kizuna::stages::mpv
