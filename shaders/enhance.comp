#version 450
// Stage 4, perceptual enhancement (src/stages/enhance.hpp): sharpen, line darkening (class map
// of another size, nearest by integer division), S-curve contrast, OKLab chroma scale. Each
// step is skipped at its neutral value. Alpha is copied.
#include "common.glsl"


layout(std430, binding = 0) readonly buffer Src { KZ_STORE src[]; };
layout(std430, binding = 1) readonly buffer Cls { uint cls[]; };
layout(std430, binding = 2) writeonly buffer Dst { KZ_STORE dst[]; };
layout(push_constant) uniform Push {
    int width, height;
    int cls_width, cls_height;  // size of the class map
    float contrast;
    float line_darken;
    float saturation;
    float sharpen;
    int linear_input;  // 1: saturation works on the values as linear light
    int use_cls;       // 0: no pixel is line art
    float darken;      // 1 - enhance_line_darken_scale * line_darken, computed on the CPU
} pc;

float at(int c, int x, int y) {
    x = clamp(x, 0, pc.width - 1);
    y = clamp(y, 0, pc.height - 1);
    return float(src[c * pc.width * pc.height + y * pc.width + x]);
}

float sharpen_at(int c, int x, int y, float amount) {
    const float v0 = at(c, x, y);
    float sum = 0.0, lo = v0, hi = v0;
    for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
            const float v = at(c, x + dx, y + dy);
            sum += v;
            lo = min(lo, v);
            hi = max(hi, v);
        }
    }
    const float mean = sum * (1.0 / 9.0);
    const float a = clamp((hi - lo - 1.0 / 255.0) * (255.0 / 4.0), 0.0, 1.0);
    return clamp(v0 + amount * a * (v0 - mean), lo, hi);
}

float cbrt_signed(float x) { return x == 0.0 ? 0.0 : sign(x) * pow(abs(x), 1.0 / 3.0); }

vec3 scale_chroma_linear(vec3 c, float sat) {
    const float l = 0.4122214708 * c.r + 0.5363325363 * c.g + 0.0514459929 * c.b;
    const float m = 0.2119034982 * c.r + 0.6806995451 * c.g + 0.1073969566 * c.b;
    const float s = 0.0883024619 * c.r + 0.2817188376 * c.g + 0.6299787005 * c.b;
    const float l_ = cbrt_signed(l), m_ = cbrt_signed(m), s_ = cbrt_signed(s);
    const float L = 0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_;
    const float l2 = L + sat * (l_ - L), m2 = L + sat * (m_ - L), s2 = L + sat * (s_ - L);
    const float l3 = l2 * l2 * l2, m3 = m2 * m2 * m2, s3 = s2 * s2 * s2;
    const vec3 o = vec3(4.0767416621 * l3 - 3.3077115913 * m3 + 0.2309699292 * s3,
                        -1.2684380046 * l3 + 2.6097574011 * m3 - 0.3413193965 * s3,
                        -0.0041960863 * l3 - 0.7034186147 * m3 + 1.7076147010 * s3);
    return clamp(o, 0.0, 1.0);
}

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= pc.width || p.y >= pc.height) return;
    const int n = pc.width * pc.height;
    const int i = p.y * pc.width + p.x;
    vec3 c;
    for (int ch = 0; ch < 3; ++ch) {
        c[ch] = pc.sharpen > 0.0 ? sharpen_at(ch, p.x, p.y, pc.sharpen) : float(src[ch * n + i]);
    }
    if (pc.use_cls != 0 && pc.line_darken > 0.0) {
        const int cx = int(uint(p.x) * uint(pc.cls_width) / uint(pc.width));
        const int cy = int(uint(p.y) * uint(pc.cls_height) / uint(pc.height));
        if (cls[cy * pc.cls_width + cx] == 2u) c *= pc.darken;
    }
    if (pc.contrast > 0.0) {
        for (int ch = 0; ch < 3; ++ch) {
            const float k = clamp(c[ch], 0.0, 1.0);
            c[ch] = c[ch] + pc.contrast * (k * k * (3.0 - 2.0 * k) - k);
        }
    }
    if (pc.saturation != 1.0) {
        c = clamp(c, 0.0, 1.0);
        if (pc.linear_input == 0) {
            c = vec3(kz_srgb_to_linear(c.r), kz_srgb_to_linear(c.g), kz_srgb_to_linear(c.b));
        }
        c = scale_chroma_linear(c, pc.saturation);
        if (pc.linear_input == 0) {
            c = vec3(kz_linear_to_srgb(c.r), kz_linear_to_srgb(c.g), kz_linear_to_srgb(c.b));
        }
    }
    dst[i] = KZ_STORE(c.r);
    dst[n + i] = KZ_STORE(c.g);
    dst[2 * n + i] = KZ_STORE(c.b);
    dst[3 * n + i] = src[3 * n + i];
}
