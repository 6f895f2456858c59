#version 450
// Copies a C x H x W box between two arena blobs (Crop, Concat, a stand-alone copy):
//   dst[dc + c][dy + y][dx + x] = src[sc + c][sy + y][sx + x], planes packed in both.
// Dispatch: x over H * W of the box, y over its C. Local size 256 x 1.
#include "common.glsl"
#include "nn_common.glsl"

layout(push_constant) uniform Push {
    int src_off, src_h, src_w, sc, sy, sx;
    int dst_off, dst_h, dst_w, dc, dy, dx;
    int h, w;  // the box's H and W
} pc;

void main() {
    const int p = int(gl_GlobalInvocationID.x);
    const int c = int(gl_WorkGroupID.y);
    if (p >= pc.h * pc.w) return;
    const int y = p / pc.w, x = p % pc.w;
    arena[pc.dst_off + ((pc.dc + c) * pc.dst_h + pc.dy + y) * pc.dst_w + pc.dx + x] =
        arena[pc.src_off + ((pc.sc + c) * pc.src_h + pc.sy + y) * pc.src_w + pc.sx + x];
}
