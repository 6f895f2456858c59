#version 450
// The player's picture on the device (src/pipeline/display/compositor.hpp): the preview's frame,
// or from column split_x on the AI picture, a white divider, then up to 4 translucent RGBA8
// layers (text bands) blended in order, source over with straight alpha in 8-bit integer
// arithmetic: c = (s * a + d * (255 - a) + 127) / 255, alpha a + (d_a * (255 - a) + 127) / 255,
// as the CLI's CPU compositor does (bitmap_font.cpp), so both give the same bytes.
// Pixels are packed RGBA8 words (R in the low byte), tight rows.
layout(local_size_x_id = 0, local_size_y_id = 1) in;

layout(std430, binding = 0) readonly buffer Frame { uint frame[]; };
layout(std430, binding = 1) readonly buffer Ai { uint ai[]; };
layout(std430, binding = 2) readonly buffer Layers { uint layers[]; };
layout(std430, binding = 3) writeonly buffer Canvas { uint canvas[]; };
layout(push_constant) uniform Push {
    int width, height;
    int split_x;        // columns >= split_x come from ai (width: no split)
    int divider_x;      // first column of the divider; < 0: none
    int divider_width;
    int layer_count;    // 0..4
    ivec4 rect[4];      // x, y, width, height of each layer in picture pixels
    int offset[4];      // first word of each layer in `layers`
} pc;

uint blend(uint d, uint s) {
    const uint a = s >> 24;
    if (a == 0u) return d;
    uint o = 0u;
    for (int c = 0; c < 3; ++c) {
        const uint sc = (s >> (8 * c)) & 255u, dc = (d >> (8 * c)) & 255u;
        o |= ((sc * a + dc * (255u - a) + 127u) / 255u) << (8 * c);
    }
    const uint da = d >> 24;
    return o | ((a + (da * (255u - a) + 127u) / 255u) << 24);
}

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= pc.width || p.y >= pc.height) return;
    const int i = p.y * pc.width + p.x;
    uint v = p.x < pc.split_x ? frame[i] : ai[i];
    if (pc.divider_x >= 0 && p.x >= pc.divider_x && p.x < pc.divider_x + pc.divider_width) {
        v = 0xffffffffu;
    }
    for (int l = 0; l < pc.layer_count; ++l) {
        const ivec2 q = p - pc.rect[l].xy;
        if (q.x < 0 || q.y < 0 || q.x >= pc.rect[l].z || q.y >= pc.rect[l].w) continue;
        v = blend(v, layers[pc.offset[l] + q.y * pc.rect[l].z + q.x]);
    }
    canvas[i] = v;
}
