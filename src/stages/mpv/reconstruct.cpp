// Stage 2's line-art class as an mpv hook pass (passes.hpp).
#include "stages/mpv/glsl_common.hpp"
#include "stages/mpv/passes.hpp"

namespace kizuna::stages::mpv {

namespace {

// Constant: KZ_LINE_THRESHOLD. darkness = max over the four directions d of
// min(max(L(p+d), L(p+2d)), max(L(p-d), L(p-2d))) - L(p), coordinates clamped. The workgroup
// loads the luma of its 16x16 block and two texels around it (clamped) into shared memory.
constexpr const char* kBody = R"glsl(const int KZ_T = 20;
shared float kz_lu[KZ_T * KZ_T];

void hook() {
    ivec2 size = kz_size();
    ivec2 base = ivec2(gl_WorkGroupID.xy) * 16 - 2;
    for (int i = int(gl_LocalInvocationIndex); i < KZ_T * KZ_T; i += 256)
        kz_lu[i] = kz_luma(kz_load(base + ivec2(i % KZ_T, i / KZ_T)).rgb);
    barrier();
    ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= size.x || p.y >= size.y) return;
    ivec2 t = p - base;
    ivec2 dirs[4] = ivec2[4](ivec2(1, 0), ivec2(0, 1), ivec2(1, 1), ivec2(1, -1));
    float c = kz_lu[t.y * KZ_T + t.x];
    float darkness = -1.0;
    for (int k = 0; k < 4; ++k) {
        ivec2 d = dirs[k];
        ivec2 a = t + d, b = t + 2 * d, e = t - d, f = t - 2 * d;
        float sp = max(kz_lu[a.y * KZ_T + a.x], kz_lu[b.y * KZ_T + b.x]);
        float sm = max(kz_lu[e.y * KZ_T + e.x], kz_lu[f.y * KZ_T + f.x]);
        darkness = max(darkness, min(sp, sm) - c);
    }
    imageStore(out_image, p, vec4(darkness > KZ_LINE_THRESHOLD ? 1.0 : 0.0));
}
)glsl";

}  // namespace

HookPass line_art_pass(const ReconstructParams& params) {
    HookPass pass;
    pass.desc = "KizunaSR 2 reconstruct: line-art mask (threshold " +
                glsl_float(params.line_threshold) + ")";
    pass.binds = {"HOOKED"};
    pass.save = "KZ_LINES";
    pass.components = 1;
    pass.defines = {{"KZ_LINE_THRESHOLD", glsl_float(params.line_threshold)}};
    pass.body = std::string(glsl_common) + kBody;
    return pass;
}

}  // namespace kizuna::stages::mpv
