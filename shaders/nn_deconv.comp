#version 450
// Deconvolution (transposed convolution, layer.hpp) in gather form: each invocation computes
// one output value of the cropped output, summing the input samples whose scatter lands on it:
// full row fy = y + crop_top receives input row iy from tap ky when fy - ky * dy = iy * sy.
// Weights in ncnn's layout [oc][ic_per_group][kh][kw]; + bias, then the activation.
// Dispatch: x over the output plane (oh * ow), y over output channels. Local size 256 x 1.
#include "common.glsl"
#include "nn_common.glsl"

layout(push_constant) uniform Push {
    int in_off, out_off, w_off, bias_off;  // bias_off < 0: none
    int act;
    float alpha, beta;
    int ic_per_group, oc_per_group;
    int ih, iw, oh, ow;
    int kh, kw, sy, sx, dy, dx;
    int crop_top, crop_left;
} pc;

void main() {
    const int p = int(gl_GlobalInvocationID.x);
    const int oc = int(gl_WorkGroupID.y);
    if (p >= pc.oh * pc.ow) return;
    const int fy = p / pc.ow + pc.crop_top, fx = p % pc.ow + pc.crop_left;
    const int g = oc / pc.oc_per_group;
    // Taps outer, channels inner: the divisibility tests run once per tap, not per channel.
    // The sum runs over taps in (ky, kx) order, each over the input channels in order.
    const int plane = pc.ih * pc.iw;
    const int khw = pc.kh * pc.kw;
    const int in_base = pc.in_off + g * pc.ic_per_group * plane;
    const int w_base = pc.w_off + oc * pc.ic_per_group * khw;
    float acc = 0.0;
    for (int ky = 0; ky < pc.kh; ++ky) {
        const int ty = fy - ky * pc.dy;
        if (ty < 0 || ty % pc.sy != 0 || ty / pc.sy >= pc.ih) continue;
        const int iy = ty / pc.sy;
        for (int kx = 0; kx < pc.kw; ++kx) {
            const int tx = fx - kx * pc.dx;
            if (tx < 0 || tx % pc.sx != 0 || tx / pc.sx >= pc.iw) continue;
            const int src = in_base + iy * pc.iw + tx / pc.sx;
            const int w = w_base + ky * pc.kw + kx;
            for (int ci = 0; ci < pc.ic_per_group; ++ci)
                acc = fma(float(wts[w + ci * khw]), float(arena[src + ci * plane]), acc);
        }
    }
    const float bias = pc.bias_off >= 0 ? float(wts[pc.bias_off + oc]) : 0.0;
    arena[pc.out_off + oc * pc.oh * pc.ow + p] =
        KZ_STORE(kz_activate(acc + bias, pc.act, pc.alpha, pc.beta));
}
