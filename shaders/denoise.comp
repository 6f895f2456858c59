#version 450
// Stage 1 denoise (src/stages/normalize.hpp step 3, then step 4): joint bilateral filter of
// R, G, B over the (2r+1)^2 square, borders clamped; alpha copied.
#include "common.glsl"


layout(std430, binding = 0) readonly buffer Src { KZ_STORE src[]; };
layout(std430, binding = 1) writeonly buffer Dst { KZ_STORE dst[]; };
layout(push_constant) uniform Push {
    int width, height;
    float range_scale;   // -1 / (2 sr^2)
    float spatial_den;   // 2 ss^2
    int radius;          // [1, 4]
    int linear_light;    // 1: apply the inverse sRGB transfer afterwards
} pc;

vec3 rgb_at(ivec2 q, int n) {
    const int i = q.y * pc.width + q.x;
    return vec3(float(src[i]), float(src[n + i]), float(src[2 * n + i]));
}

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= pc.width || p.y >= pc.height) return;
    const int n = pc.width * pc.height;
    const int i = p.y * pc.width + p.x;
    const vec3 c = rgb_at(p, n);
    const int r = pc.radius;
    float sum_w = 0.0;
    vec3 acc = vec3(0.0);
    for (int dy = -r; dy <= r; ++dy) {
        const int yy = clamp(p.y + dy, 0, pc.height - 1);
        for (int dx = -r; dx <= r; ++dx) {
            const int xx = clamp(p.x + dx, 0, pc.width - 1);
            const vec3 q = rgb_at(ivec2(xx, yy), n);
            const vec3 d = q - c;
            const float spatial = exp(-float(dx * dx + dy * dy) / pc.spatial_den);
            const float w = spatial * exp((d.x * d.x + d.y * d.y + d.z * d.z) * pc.range_scale);
            sum_w += w;
            acc += w * q;
        }
    }
    vec3 o = acc / sum_w;
    if (pc.linear_light != 0) {
        o = vec3(kz_srgb_to_linear(clamp(o.r, 0.0, 1.0)), kz_srgb_to_linear(clamp(o.g, 0.0, 1.0)),
                 kz_srgb_to_linear(clamp(o.b, 0.0, 1.0)));
    }
    dst[i] = KZ_STORE(o.r);
    dst[n + i] = KZ_STORE(o.g);
    dst[2 * n + i] = KZ_STORE(o.b);
    dst[3 * n + i] = src[3 * n + i];
}
