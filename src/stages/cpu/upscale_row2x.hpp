// Row kernel of the fast exact x2 step (UpscaleCpu::row2x): one output row of one channel,
// straight from the unpadded input rows. Highway SIMD with runtime dispatch; the arithmetic is
// the same operations in the same order as the plain loop it replaced (vertical lanczos sums
// first, then the horizontal ones; no fused multiply-add), so the result does not depend on the
// CPU and keeps the tolerance of cpu/upscale.hpp against upscale_ref.
#pragma once

#include <cstddef>

namespace kizuna::stages::upscale2x {

struct Row2xArgs {
    // Input rows j0 - 2 .. j0 + 3 of the channel (indices clamped to the frame), where
    // j0 = (oy - 1) >> 1 for output row oy. Each holds `width` readable floats.
    const float* rows[6] = {};
    // Blend weights of the diagonal estimate per cell, row j0 + 1 of the (width + 1)-wide cell
    // planes: w_even for even outputs 2i (cell i), w_odd for odd outputs 2i + 1 (cell i + 1);
    // width + 1 readable floats each.
    const float* w_even = nullptr;
    const float* w_odd = nullptr;
    int width = 0;
    bool odd_row = false;  // oy is odd (vertical phase 0.25) or even (0.75)
    float wy[6] = {};      // vertical lanczos weights of this row's phase
    float wx0[6] = {};     // horizontal lanczos weights, phase 0.75 (even outputs)
    float wx1[6] = {};     // ... phase 0.25 (odd outputs)
    float ce[4] = {};      // Catmull-Rom weights along the diagonal, even outputs
    float co[4] = {};      // ... odd outputs
    float anti_ringing = 0.0f;
    float clip_lo = 0.0f, clip_hi = 0.0f;  // final clamp of every output
    // Optional: a row of `width` floats that a later call will read (the next input row), fetched
    // into the cache while this row is computed.
    const float* prefetch = nullptr;
};

// Floats of scratch row2x_channel needs (independent of the width).
size_t row2x_channel_scratch_floats() noexcept;

// Writes out[0 .. 2 * width) (nothing past it). scratch: row2x_channel_scratch_floats() floats,
// any alignment; not shared between threads running at the same time.
void row2x_channel(const Row2xArgs& a, float* scratch, float* out);

// The tail of cell_weights (upscale_kernel.hpp) for n cells whose structure tensor is given:
// trace = jxx + jyy, jxy, root = sqrt((jxx - jyy)^2 + 4 jxy^2), strength = sqrt((trace + root)
// / 2), each computed as cell_weights does. Writes w_main[0, n) and w_anti[0, n) with the same
// bits as cell_weights. Vectors of cells that are all flat (strength < edge_lo) skip the
// divisions (their weights are exactly +0).
void cell_weights_row(const float* trace, const float* jxy, const float* root,
                      const float* strength, int n, float edge_sharpness, float* w_main,
                      float* w_anti);

}  // namespace kizuna::stages::upscale2x
