#version 450
// Resize (InterpParams), as the reference (ref/ref_layers.cpp): per output value, a horizontal
// pass over the taps' source rows, then a vertical blend. nearest: src = min(int(d * step),
// n - 1) with step given (in / out, or 1 / scale); bilinear: 2 taps at the clamped source
// coordinate; bicubic: Keys' kernel (A = -0.75), 4 taps clamped to the edge.
// Dispatch: x over the output plane, y over channels. Local size 256 x 1.
#include "common.glsl"
#include "nn_common.glsl"

layout(push_constant) uniform Push {
    int in_off, out_off, mode;  // InterpMode: 1 nearest, 2 bilinear, 3 bicubic
    int align_corner;
    int ih, iw, oh, ow;
    float step_y, step_x;  // nearest only
} pc;

// Taps and weights of output index d for n -> out samples.
void taps(int d, int n, int out_n, float step, out int idx[4], out float wt[4], out int count) {
    for (int k = 0; k < 4; ++k) {
        idx[k] = 0;
        wt[k] = 0.0;
    }
    if (pc.mode == 1) {
        count = 1;
        idx[0] = min(int(float(d) * step), n - 1);
        wt[0] = 1.0;
        return;
    }
    float f;
    if (pc.align_corner != 0)
        f = out_n > 1 ? float(d) * float(n - 1) / float(out_n - 1) : 0.0;
    else
        f = (float(d) + 0.5) * float(n) / float(out_n) - 0.5;
    if (pc.mode == 2) {
        count = 2;
        const float fc = clamp(f, 0.0, float(n - 1));
        const int i0 = int(floor(fc));
        idx[0] = i0;
        idx[1] = min(i0 + 1, n - 1);
        wt[1] = fc - float(i0);
        wt[0] = 1.0 - wt[1];
        return;
    }
    count = 4;
    const int i0 = int(floor(f));
    const float t = f - float(i0);
    const float A = -0.75;
    const float x0 = t + 1.0, x1 = t, x2 = 1.0 - t;
    wt[0] = ((A * x0 - 5.0 * A) * x0 + 8.0 * A) * x0 - 4.0 * A;
    wt[1] = ((A + 2.0) * x1 - (A + 3.0)) * x1 * x1 + 1.0;
    wt[2] = ((A + 2.0) * x2 - (A + 3.0)) * x2 * x2 + 1.0;
    wt[3] = 1.0 - wt[0] - wt[1] - wt[2];
    for (int k = 0; k < 4; ++k) idx[k] = clamp(i0 - 1 + k, 0, n - 1);
}

void main() {
    const int p = int(gl_GlobalInvocationID.x);
    const int c = int(gl_WorkGroupID.y);
    if (p >= pc.oh * pc.ow) return;
    const int y = p / pc.ow, x = p % pc.ow;
    int xi[4], yi[4], nx, ny;
    float xw[4], yw[4];
    taps(x, pc.iw, pc.ow, pc.step_x, xi, xw, nx);
    taps(y, pc.ih, pc.oh, pc.step_y, yi, yw, ny);
    const int plane = pc.in_off + c * pc.ih * pc.iw;
    float v = 0.0;
    for (int t = 0; t < ny; ++t) {
        float row = 0.0;
        for (int k = 0; k < nx; ++k) row += xw[k] * float(arena[plane + yi[t] * pc.iw + xi[k]]);
        v += yw[t] * row;
    }
    arena[pc.out_off + c * pc.oh * pc.ow + p] = KZ_STORE(v);
}
