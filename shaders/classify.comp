#version 450
// Stage 2, step 3 (src/stages/reconstruct.hpp): one PixelClass per pixel (0 flat, 1 edge,
// 2 line art, 3 texture) from the luma and gradient planes.
#include "common.glsl"


layout(std430, binding = 0) readonly buffer Feat { float feat[]; };
layout(std430, binding = 1) writeonly buffer Cls { uint cls[]; };
layout(push_constant) uniform Push {
    int width, height;
    float edge_threshold;
    float line_threshold;
} pc;

int idx(int x, int y) { return clamp(y, 0, pc.height - 1) * pc.width + clamp(x, 0, pc.width - 1); }
float L(int x, int y) { return feat[3 * pc.width * pc.height + idx(x, y)]; }

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= pc.width || p.y >= pc.height) return;
    const int n = pc.width * pc.height;
    const int x = p.x, y = p.y;
    const ivec2 dirs[4] = ivec2[4](ivec2(1, 0), ivec2(0, 1), ivec2(1, 1), ivec2(1, -1));
    const float c = L(x, y);
    float darkness = -1.0;
    for (int k = 0; k < 4; ++k) {
        const ivec2 d = dirs[k];
        const float sp = max(L(x + d.x, y + d.y), L(x + 2 * d.x, y + 2 * d.y));
        const float sm = max(L(x - d.x, y - d.y), L(x - 2 * d.x, y - 2 * d.y));
        darkness = max(darkness, min(sp, sm) - c);
    }
    uint k = 0u;
    if (darkness > pc.line_threshold) {
        k = 2u;
    } else if (feat[2 * n + idx(x, y)] > pc.edge_threshold) {
        k = 1u;
    } else {
        const float weak = pc.edge_threshold * 0.25;
        int n_active = 0;
        float sx = 0.0, sy = 0.0, sm = 0.0;
        for (int dy = -1; dy <= 1; ++dy) {
            for (int dx = -1; dx <= 1; ++dx) {
                const int j = idx(x + dx, y + dy);
                const float m = feat[2 * n + j];
                n_active += m > weak ? 1 : 0;
                sx += feat[j];
                sy += feat[n + j];
                sm += m;
            }
        }
        if (n_active >= 5 && sqrt(sx * sx + sy * sy) < 0.5 * sm) k = 3u;
    }
    cls[idx(x, y)] = k;
}
