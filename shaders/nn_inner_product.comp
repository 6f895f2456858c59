#version 450
// Fully connected (InnerProductParams): out[o] = activate(bias[o] + sum_i w[o][i] * in[i]), the
// input flattened in C, H, W order. One invocation per output, summing in index order.
// Dispatch: x over num_output. Local size 64 x 1.
#include "common.glsl"
#include "nn_common.glsl"

layout(push_constant) uniform Push {
    int in_off, out_off, w_off, bias_off;  // bias_off < 0: none
    int num_input, num_output, act;
    float alpha, beta;
} pc;

void main() {
    const int o = int(gl_GlobalInvocationID.x);
    if (o >= pc.num_output) return;
    float sum = pc.bias_off >= 0 ? float(wts[pc.bias_off + o]) : 0.0;
    const int row = pc.w_off + o * pc.num_input;
    for (int i = 0; i < pc.num_input; ++i) sum = fma(float(wts[row + i]), float(arena[pc.in_off + i]), sum);
    arena[pc.out_off + o] = KZ_STORE(kz_activate(sum, pc.act, pc.alpha, pc.beta));
}
