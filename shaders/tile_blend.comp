#version 450
// Device-resident tiling (src/nn/tile/device_tiles.hpp): one tile's output, read from the NN
// backend's output blob (planes [channels][raw_h][raw_w] of KZ_STORE at element raw_off of the
// activation arena: fp32, or fp16 in the f16 variant, widened exactly), feather-blended into the
// picture (fp32 planes [channels][out_h][out_w] in both variants):
// out += wy * wx * raw over the tile's share [begin_x, begin_x + cols) x [begin_y, begin_y +
// rows), the weights (fp32 bits in the tables) being the CPU tiler's (tile_grid.hpp). Evaluated
// as the CPU tiler does, (wy * wx) * raw, then the sum, with no fused multiply-add.
#include "common.glsl"

layout(std430, binding = 0) readonly buffer Arena { KZ_STORE arena[]; };
layout(std430, binding = 1) buffer Out { float dst[]; };
layout(std430, binding = 2) readonly buffer Tables { uint tables[]; };
layout(push_constant) uniform Push {
    int raw_off, raw_w, raw_h, raw_x, raw_y, begin_x, begin_y, cols, rows, out_w, out_h, wx_off,
        wy_off, channels;
} pc;

void main() {
    const int x = int(gl_GlobalInvocationID.x);
    const int cr = int(gl_GlobalInvocationID.y);
    if (x >= pc.cols || cr >= pc.rows * pc.channels) return;
    const int c = cr / pc.rows, r = cr % pc.rows;
    const float wy = uintBitsToFloat(tables[pc.wy_off + r]);
    const float wx = uintBitsToFloat(tables[pc.wx_off + x]);
    const float v =
        float(arena[pc.raw_off + (c * pc.raw_h + pc.raw_y + r) * pc.raw_w + pc.raw_x + x]);
    const int o = (c * pc.out_h + pc.begin_y + r) * pc.out_w + pc.begin_x + x;
    precise float w = wy * wx;
    precise float p = w * v;
    precise float sum = dst[o] + p;
    dst[o] = sum;
}
