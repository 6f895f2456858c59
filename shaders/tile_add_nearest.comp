#version 450
// Device-resident tiling (src/nn/tile/device_tiles.hpp): for models that add their input,
// nearest-upscaled, to their output (Real-CUGAN x4): out(c, y, x) += in(c, y / scale, x / scale)
// over the whole picture, as the CPU tiler does after its tiles.
#include "common.glsl"

layout(std430, binding = 0) readonly buffer Src { float src[]; };
layout(std430, binding = 1) buffer Out { float dst[]; };
layout(push_constant) uniform Push {
    int out_w, out_h, src_w, src_h, scale, channels;
} pc;

void main() {
    const int x = int(gl_GlobalInvocationID.x);
    const int cy = int(gl_GlobalInvocationID.y);
    if (x >= pc.out_w || cy >= pc.out_h * pc.channels) return;
    const int c = cy / pc.out_h, y = cy % pc.out_h;
    const int o = (c * pc.out_h + y) * pc.out_w + x;
    precise float sum = dst[o] + src[(c * pc.src_h + y / pc.scale) * pc.src_w + x / pc.scale];
    dst[o] = sum;
}
