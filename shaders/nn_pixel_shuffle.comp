#version 450
// Depth-to-space (PixelShuffleParams): out[c][y * r + i][x * r + j] = in[ic][y][x] with
// ic = c * r * r + i * r + j (mode 0) or (i * r + j) * C_out + c (mode 1).
// Dispatch: x over the output plane, y over output channels. Local size 256 x 1.
#include "common.glsl"
#include "nn_common.glsl"

layout(constant_id = 2) const int FAULT = 0;  // tests only: 1 swaps i and j in mode 0

layout(push_constant) uniform Push {
    int in_off, out_off, r, mode;
    int oc, oh, ow;  // output shape
} pc;

void main() {
    const int p = int(gl_GlobalInvocationID.x);
    const int c = int(gl_WorkGroupID.y);
    if (p >= pc.oh * pc.ow) return;
    const int oy = p / pc.ow, ox = p % pc.ow;
    const int i = oy % pc.r, j = ox % pc.r;
    int ic = pc.mode == 0 ? c * pc.r * pc.r + i * pc.r + j : (i * pc.r + j) * pc.oc + c;
    if (FAULT == 1 && pc.mode == 0) ic = c * pc.r * pc.r + j * pc.r + i;
    const int ih = pc.oh / pc.r, iw = pc.ow / pc.r;
    arena[pc.out_off + c * pc.oh * pc.ow + p] =
        arena[pc.in_off + (ic * ih + oy / pc.r) * iw + ox / pc.r];
}
