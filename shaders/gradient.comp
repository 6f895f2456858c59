#version 450
// Stage 2, step 2 (src/stages/reconstruct.hpp): Sobel / 8 gradients of the luma plane (plane 3)
// into planes 0 (gx), 1 (gy) and 2 (magnitude), coordinates clamped to the frame.
#include "common.glsl"

layout(push_constant) uniform Push {
    int width, height;
} pc;

layout(std430, binding = 0) buffer Feat { float feat[]; };

float L(int x, int y) {
    x = clamp(x, 0, pc.width - 1);
    y = clamp(y, 0, pc.height - 1);
    return feat[3 * pc.width * pc.height + y * pc.width + x];
}

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= pc.width || p.y >= pc.height) return;
    const int n = pc.width * pc.height;
    const int i = p.y * pc.width + p.x;
    const int x = p.x, y = p.y;
    const float gx = (L(x + 1, y - 1) + 2.0 * L(x + 1, y) + L(x + 1, y + 1) - L(x - 1, y - 1) -
                      2.0 * L(x - 1, y) - L(x - 1, y + 1)) * 0.125;
    const float gy = (L(x - 1, y + 1) + 2.0 * L(x, y + 1) + L(x + 1, y + 1) - L(x - 1, y - 1) -
                      2.0 * L(x, y - 1) - L(x + 1, y - 1)) * 0.125;
    feat[i] = gx;
    feat[n + i] = gy;
    feat[2 * n + i] = sqrt(gx * gx + gy * gy);
}
