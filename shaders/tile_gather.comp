#version 450
// Device-resident tiling (src/nn/tile/device_tiles.hpp): one tile's input, read from the model's
// input picture (fp32 planes [channels][src_h][src_w], tight, in both variants) through the
// tiler's edge tables (canonical row / column -> source row / column: the model's edge padding),
// written as the NN backend's input blob (planes [channels][tile_h][tile_w] of KZ_STORE at element
// dst_off of the activation arena: fp32, or fp16 in the f16 variant that the backend's fp16
// precision uses). The same values the CPU tiler copies (tiler.cpp, run_tile); in fp16 rounded to
// nearest even, as the backend's host staging rounds them (core/half.hpp), so the device and host
// paths give the model the same input.
#include "common.glsl"

layout(std430, binding = 0) readonly buffer Src { float src[]; };
layout(std430, binding = 1) writeonly buffer Arena { KZ_STORE arena[]; };
layout(std430, binding = 2) readonly buffer Tables { uint tables[]; };
layout(push_constant) uniform Push {
    int dst_off, x0, y0, tile_w, tile_h, src_w, src_h, channels, rows_off, cols_off;
} pc;

void main() {
    const int x = int(gl_GlobalInvocationID.x);
    const int cy = int(gl_GlobalInvocationID.y);
    if (x >= pc.tile_w || cy >= pc.tile_h * pc.channels) return;
    const int c = cy / pc.tile_h, y = cy % pc.tile_h;
    const int sy = int(tables[pc.rows_off + pc.y0 + y]);
    const int sx = int(tables[pc.cols_off + pc.x0 + x]);
    const float v = src[(c * pc.src_h + sy) * pc.src_w + sx];
#ifdef KZ_FP16
    // kz_round_fp16 gives a value fp16 holds exactly: the conversion's own rounding is moot.
    arena[pc.dst_off + (c * pc.tile_h + y) * pc.tile_w + x] = KZ_STORE(kz_round_fp16(v));
#else
    arena[pc.dst_off + (c * pc.tile_h + y) * pc.tile_w + x] = v;
#endif
}
