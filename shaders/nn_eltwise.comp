#version 450
// Element-wise layers (BinaryOp, Eltwise, Scale, PReLU, Activation; layer.hpp) as one shader:
//   out[c][y][x] = activate(op(ca * A[c][y][x], cb * B[c][y][x]) + bias[c])
// A and B are read through (offset, channel, row, column) strides, a stride of 0 repeating the
// value (numpy broadcast, a per-channel vector, a scalar); A lives in the arena, B in the arena
// or the weights (b_src). Op numbers: BinaryOpType 0..11, then 12 = prelu (A > 0 ? A : A * B),
// 13 = copy A (B unused). Output planes are packed (C x H x W). In place (out = A or B at the
// same index) is allowed. Dispatch: x over H * W, y over C. Local size 256 x 1.
#include "common.glsl"
#include "nn_common.glsl"

layout(push_constant) uniform Push {
    int out_off, a_off, a_sc, a_sy, a_sx;
    int b_off, b_sc, b_sy, b_sx;
    int b_src;     // 0: B in the arena, 1: in the weights
    int bias_off;  // per-channel bias in the weights, < 0: none
    int op;
    float ca, cb;
    float scalar;  // B when b_src is 2
    int act;
    float alpha, beta;
    int h, w;
} pc;

float binary(int op, float a, float b) {
    switch (op) {
        case 0: return a + b;
        case 1: return a - b;
        case 2: return a * b;
        case 3: return a / b;
        case 4: return max(a, b);
        case 5: return min(a, b);
        case 6: return pow(a, b);
        case 7: return b - a;
        case 8: return b / a;
        case 9: return pow(b, a);
        case 10: return atan(a, b);
        case 11: return atan(b, a);
        case 12: return a > 0.0 ? a : a * b;
        default: return a;
    }
}

void main() {
    const int p = int(gl_GlobalInvocationID.x);
    const int c = int(gl_WorkGroupID.y);
    if (p >= pc.h * pc.w) return;
    const int y = p / pc.w, x = p % pc.w;
    const float a = float(arena[pc.a_off + c * pc.a_sc + y * pc.a_sy + x * pc.a_sx]);
    float b = pc.scalar;
    if (pc.b_src == 0) b = float(arena[pc.b_off + c * pc.b_sc + y * pc.b_sy + x * pc.b_sx]);
    if (pc.b_src == 1) b = float(wts[pc.b_off + c * pc.b_sc + y * pc.b_sy + x * pc.b_sx]);
    float v = binary(pc.op, pc.ca == 1.0 ? a : a * pc.ca, pc.cb == 1.0 ? b : b * pc.cb);
    if (pc.bias_off >= 0) v += float(wts[pc.bias_off + c]);
    arena[pc.out_off + c * pc.h * pc.w + p] = KZ_STORE(kz_activate(v, pc.act, pc.alpha, pc.beta));
}
