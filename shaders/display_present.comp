#version 450
// The composed picture into a swapchain-sized buffer (src/pipeline/display/compositor.hpp):
// letterboxed into rect (aspect kept, black around it), bilinear when the rect's size differs
// from the picture's and an exact copy when it is equal, bytes in the swapchain format's order
// (bgra: B, G, R, A). Packed RGBA8 words, tight rows.
layout(local_size_x_id = 0, local_size_y_id = 1) in;

layout(std430, binding = 0) readonly buffer Canvas { uint canvas[]; };
layout(std430, binding = 1) writeonly buffer Target { uint target[]; };
layout(push_constant) uniform Push {
    int src_w, src_h;
    int dst_w, dst_h;
    ivec4 rect;  // x, y, width, height of the picture in the target
    int bgra;
} pc;

vec4 texel(int x, int y) {
    x = clamp(x, 0, pc.src_w - 1);
    y = clamp(y, 0, pc.src_h - 1);
    return unpackUnorm4x8(canvas[y * pc.src_w + x]);
}

void main() {
    const ivec2 p = ivec2(gl_GlobalInvocationID.xy);
    if (p.x >= pc.dst_w || p.y >= pc.dst_h) return;
    const ivec2 q = p - pc.rect.xy;
    uint v = 0xff000000u;
    if (q.x >= 0 && q.y >= 0 && q.x < pc.rect.z && q.y < pc.rect.w) {
        if (pc.rect.z == pc.src_w && pc.rect.w == pc.src_h) {
            v = canvas[q.y * pc.src_w + q.x];
        } else {
            const vec2 s = (vec2(q) + 0.5) * vec2(pc.src_w, pc.src_h) / vec2(pc.rect.zw) - 0.5;
            const ivec2 b = ivec2(floor(s));
            const vec2 f = s - vec2(b);
            const vec4 c = mix(mix(texel(b.x, b.y), texel(b.x + 1, b.y), f.x),
                               mix(texel(b.x, b.y + 1), texel(b.x + 1, b.y + 1), f.x), f.y);
            v = packUnorm4x8(c);
        }
        v |= 0xff000000u;
    }
    if (pc.bgra != 0) v = (v & 0xff00ff00u) | ((v >> 16) & 255u) | ((v & 255u) << 16);
    target[p.y * pc.dst_w + p.x] = v;
}
