// Stage 3, real-time upscale: PlanarFrame + FeatureMap -> PlanarFrame at
// params.out_width x out_height. This header states the rule and holds what every backend shares
// (the plan, the argument checks; the per-pixel math of the x2 step is in upscale_kernel.hpp);
// the implementations are ref/upscale.hpp (the definition of correct output), cpu/upscale.hpp
// and vk/upscale.hpp.
//
// Plan: while the remaining factor is at least 2 on both axes, an edge-directed x2 step
// (upscale2x_ref; steps after the first use gradients recomputed by reconstruct_ref with default
// ReconstructParams on the intermediate picture); then, if the size still differs, a final
// lanczos3 resample with anti-ringing = params.anti_ringing (resample.hpp). Alpha skips the x2
// steps: it is resampled once from the input with bicubic and full anti-ringing, then clamped to
// [0, 1]. RGB values are clamped to [0, 1] at the end.
//
// The x2 step (upscale2x_ref), per output pixel (X, Y), for each of R, G, B. Low-res samples
// s(x, y) have coordinates clamped to the frame; constants are in upscale_kernel.hpp.
//  1. Position: centres aligned, so (X, Y) sits at low-res (i0 + fx, j0 + fy) with
//     i0 = floor((X - 1) / 2), fx = 0.75 for even X and 0.25 for odd X (same for Y).
//  2. Base: separable lanczos3 over columns i0-2..i0+3 and rows j0-2..j0+3 (normalised weights).
//  3. Edge steering from stage 2: the structure tensor J = mean over the 2x2 cell
//     (i0..i0+1, j0..j0+1) of (gx^2, gx gy, gy^2); root = sqrt((Jxx-Jyy)^2 + 4 Jxy^2);
//     coherence = root / trace; strength = sqrt((trace + root) / 2);
//     alpha = clamp(edge_sharpness * coherence * ramp(strength; 0.01 .. 0.06), 0, 1).
//  4. Every output position lies on a diagonal of the low-res grid: the main diagonal through
//     s(i0, j0) and s(i0+1, j0+1) when fx == fy, otherwise the anti-diagonal through
//     s(i0, j0+1) and s(i0+1, j0). The diagonal estimate is Catmull-Rom through the four samples
//     on that diagonal (s(i0-1, j0-1) .. s(i0+2, j0+2), or s(i0-1, j0+2) .. s(i0+2, j0-1)) at
//     distance fx past the second. It interpolates ALONG that diagonal, so it is used only when
//     the edge runs along it: align = (1 -+ 2 Jxy / root) / 2 (minus for the main diagonal) is 1
//     when the edge tangent lies on it; w = alpha * ramp(align; 0.3 .. 1).
//  5. v = base + w * (diag - base); anti-ringing: lo / hi = min / max of the 2x2 cell,
//     v += anti_ringing * (clamp(v, lo, hi) - v).
// Where no edge is found (w = 0) this is lanczos3 clamped to the nearest samples.
#pragma once

#include "kizuna/error.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// Number of x2 steps stage 3 takes for a given input and output size (the plan above).
int upscale_steps(int in_width, int in_height, int out_width, int out_height) noexcept;

// Checks params.out_width / out_height (both > 0); the message names the size.
Result<void> check_upscale_size(const UpscaleParams& params);

// Checks that features is stage 2's map of a frame of width x height (the same size).
Result<void> check_upscale_features(const FeatureMap& features, int width, int height);

}  // namespace kizuna::stages
