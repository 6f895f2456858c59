#version 450
// Stage 1 for planar Y'CbCr (src/stages/normalize.hpp: YuvDecode and steps 1, 2 and 4), the
// arithmetic of normalize_yuv_ref step by step: code values, bilinear chroma at the siting of
// YuvDecode, offsets and scales of the range, the matrix (or G, B, R planes), clamp to [0, 1].
//
// Pass 0 (kPass = 0): raw planes -> frame; alpha is written as 1. Then, when pc.transfer != 0,
// the inverse transfer (no denoise follows in that case).
// Pass 1 (kPass = 1): inverse transfer of R, G, B of the frame in binding 1, in place (after the
// denoise). Binding 0 is not read.
//
// Raw layout (binding 0, uint words, little-endian): the Y, Cb, Cr planes with tight rows, one
// after another, sample e of the buffer at byte e (8-bit) or bytes 2e, 2e + 1 (10-bit, the low
// 10 bits count). Y starts at sample 0, Cb at pc.u_base, Cr at pc.v_base.
#include "common.glsl"

layout(constant_id = 2) const int kPass = 0;  // 0 decode, 1 transfer in place
layout(constant_id = 3) const int kBits = 8;  // 8 or 10

layout(std430, binding = 0) readonly buffer Raw { uint raw[]; };
layout(std430, binding = 1) buffer Dst { KZ_STORE dst[]; };
layout(push_constant) uniform Push {
    int width, height;                // luma size = frame size
    int chroma_width, chroma_height;  // Cb / Cr plane size
    int u_base, v_base;               // first sample of Cb / Cr in raw
    float y_offset, y_scale, c_offset, c_scale;
    float cr_r, cb_g, cr_g, cb_b;
    int sub_x, sub_y;
    float chroma_x, chroma_y;
    int gbr;       // 1: planes are G, B, R (no matrix)
    int transfer;  // inverse transfer applied to R, G, B: 0 none, 1 sRGB, 2 BT.709
} pc;

// Code value of sample e (as a float, like normalize.cpp's sample()).
float code_at(int e) {
    if (kBits == 8) return float((raw[e >> 2] >> uint(8 * (e & 3))) & 255u);
    return float((raw[e >> 1] >> uint(16 * (e & 1))) & 1023u);
}

// Chroma of the plane starting at base, at luma (x, y): bilinear at chroma coordinates
// ((x - chroma_x) / sub_x, (y - chroma_y) / sub_y), indices clamped to the plane.
float chroma_at(int base, int x, int y) {
    const float cx = (float(x) - pc.chroma_x) / float(pc.sub_x);
    const float cy = (float(y) - pc.chroma_y) / float(pc.sub_y);
    const float fx0 = floor(cx), fy0 = floor(cy);
    const float ax = cx - fx0, ay = cy - fy0;
    const int x0 = clamp(int(fx0), 0, pc.chroma_width - 1);
    const int x1 = clamp(int(fx0) + 1, 0, pc.chroma_width - 1);
    const int y0 = clamp(int(fy0), 0, pc.chroma_height - 1);
    const int y1 = clamp(int(fy0) + 1, 0, pc.chroma_height - 1);
    const int row0 = base + y0 * pc.chroma_width, row1 = base + y1 * pc.chroma_width;
    const float top = code_at(row0 + x0) * (1.0 - ax) + code_at(row0 + x1) * ax;
    const float bot = code_at(row1 + x0) * (1.0 - ax) + code_at(row1 + x1) * ax;
    return top * (1.0 - ay) + bot * ay;
}

float bt709_to_linear(float v) {
    v = kz_clamp01(v);
    return v < 0.081 ? v / 4.5 : pow((v + 0.099) / 1.099, 1.0 / 0.45);
}

float to_linear(float v) {
    if (pc.transfer == 1) return kz_srgb_to_linear(kz_clamp01(v));
    if (pc.transfer == 2) return bt709_to_linear(v);
    return v;
}

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= pc.width || p.y >= pc.height) return;
    const int n = pc.width * pc.height;
    const int i = p.y * pc.width + p.x;
    if (kPass == 1) {
        for (int c = 0; c < 3; ++c) dst[c * n + i] = KZ_STORE(to_linear(float(dst[c * n + i])));
        return;
    }
    const float yv = code_at(i);
    const float u = chroma_at(pc.u_base, p.x, p.y);
    const float v = chroma_at(pc.v_base, p.x, p.y);
    vec3 rgb;
    if (pc.gbr != 0) {
        rgb = vec3((v - pc.y_offset) * pc.y_scale, (yv - pc.y_offset) * pc.y_scale,
                   (u - pc.y_offset) * pc.y_scale);
    } else {
        const float luma = (yv - pc.y_offset) * pc.y_scale;
        const float cb = (u - pc.c_offset) * pc.c_scale;
        const float cr = (v - pc.c_offset) * pc.c_scale;
        rgb = vec3(luma + pc.cr_r * cr, luma + pc.cb_g * cb + pc.cr_g * cr, luma + pc.cb_b * cb);
    }
    for (int c = 0; c < 3; ++c) dst[c * n + i] = KZ_STORE(to_linear(kz_clamp01(rgb[c])));
    dst[3 * n + i] = KZ_STORE(1.0);
}
