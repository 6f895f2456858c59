#version 450
// Stage 3, one edge-directed x2 step of R, G, B (the rule is in src/stages/upscale.hpp, the
// constants in upscale_kernel.hpp): a width x height frame and its gradients -> a 2 width x
// 2 height frame. Alpha is not touched. The lanczos3 and Catmull-Rom weights of the two phases
// and the steering constants come from the CPU (the reference's own numbers).
#include "common.glsl"

layout(std430, binding = 0) readonly buffer Src { KZ_STORE src[]; };
layout(std430, binding = 1) readonly buffer Feat { float feat[]; };
layout(std430, binding = 2) writeonly buffer Dst { KZ_STORE dst[]; };
layout(push_constant) uniform Push {
    int width, height;  // input size
    float anti_ringing;
    float edge_sharpness;
    float edge_lo, edge_hi, align_lo, tiny;
    vec4 lanczos[3];    // [0..5]: phase 0.75 (even outputs), [6..11]: phase 0.25 (odd outputs)
    vec4 catmull[2];    // Catmull-Rom weights of d0..d3: [0] phase 0.75, [1] phase 0.25
} pc;

float lanczos_w(int parity, int k) {
    const int i = parity * 6 + k;
    return pc.lanczos[i >> 2][i & 3];
}

float s(int c, int x, int y) {
    x = clamp(x, 0, pc.width - 1);
    y = clamp(y, 0, pc.height - 1);
    return float(src[c * pc.width * pc.height + y * pc.width + x]);
}

void main() {
    const ivec2 o = ivec2(gl_GlobalInvocationID.xy);
    const int ow = 2 * pc.width, oh = 2 * pc.height;
    if (o.x >= ow || o.y >= oh) return;
    const int n = pc.width * pc.height;
    const int j0 = (o.y - 1) >> 1, i0 = (o.x - 1) >> 1;
    const int px = o.x & 1, py = o.y & 1;

    // Structure tensor of the 2x2 cell -> blend weight of the diagonal estimate.
    float jxx = 0.0, jxy = 0.0, jyy = 0.0;
    for (int k = 0; k < 4; ++k) {
        const int xx = clamp(i0 + (k & 1), 0, pc.width - 1);
        const int yy = clamp(j0 + (k >> 1), 0, pc.height - 1);
        const float gx = feat[yy * pc.width + xx], gy = feat[n + yy * pc.width + xx];
        jxx += gx * gx;
        jxy += gx * gy;
        jyy += gy * gy;
    }
    jxx *= 0.25;
    jxy *= 0.25;
    jyy *= 0.25;
    const float diff = jxx - jyy;
    const float root = sqrt(diff * diff + 4.0 * jxy * jxy);
    const float trace = jxx + jyy;
    const bool main_diag = px == py;
    float w = 0.0;
    if (root > pc.tiny) {
        const float coherence = root / (trace + pc.tiny);
        const float strength = sqrt(0.5 * (trace + root));
        const float ramp = clamp((strength - pc.edge_lo) / (pc.edge_hi - pc.edge_lo), 0.0, 1.0);
        const float alpha = clamp(pc.edge_sharpness * coherence * ramp, 0.0, 1.0);
        const float s2 = 2.0 * jxy / root;
        const float align = main_diag ? 0.5 * (1.0 - s2) : 0.5 * (1.0 + s2);
        w = alpha * clamp((align - pc.align_lo) / (1.0 - pc.align_lo), 0.0, 1.0);
    }
    const vec4 cr = pc.catmull[px];
    const int on = ow * oh;
    for (int c = 0; c < 3; ++c) {
        float base = 0.0;
        for (int l = 0; l < 6; ++l) {
            float row = 0.0;
            for (int k = 0; k < 6; ++k) row += lanczos_w(px, k) * s(c, i0 + k - 2, j0 + l - 2);
            base += lanczos_w(py, l) * row;
        }
        float d0, d1, d2, d3;
        if (main_diag) {
            d0 = s(c, i0 - 1, j0 - 1);
            d1 = s(c, i0, j0);
            d2 = s(c, i0 + 1, j0 + 1);
            d3 = s(c, i0 + 2, j0 + 2);
        } else {
            d0 = s(c, i0 - 1, j0 + 2);
            d1 = s(c, i0, j0 + 1);
            d2 = s(c, i0 + 1, j0);
            d3 = s(c, i0 + 2, j0 - 1);
        }
        const float diag = cr.x * d0 + cr.y * d1 + cr.z * d2 + cr.w * d3;
        const float v = base + w * (diag - base);
        const float a = s(c, i0, j0), b = s(c, i0 + 1, j0), cc = s(c, i0, j0 + 1),
                    d = s(c, i0 + 1, j0 + 1);
        const float lo = min(min(a, b), min(cc, d));
        const float hi = max(max(a, b), max(cc, d));
        const float cl = min(max(v, lo), hi);
        dst[c * on + o.y * ow + o.x] = KZ_STORE(v + pc.anti_ringing * (cl - v));
    }
}
