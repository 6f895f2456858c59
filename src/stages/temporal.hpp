// Stage 5, temporal stabilization: blends the stage input E with the previous output H where the
// picture is still, not where it moves, and forgets H on scene cuts.
//
// This header states the rule; the implementations are ref/temporal.hpp (the definition of
// correct output), cpu/temporal.hpp and vk/temporal.hpp. Per frame:
//  1. No history, or history of another size: out = E (a reset).
//  2. Scene cut: the mean over all pixels of |Y(E) - Y(H)|, Y = 0.2126 r + 0.7152 g + 0.0722 b,
//     is > scene_cut_threshold: out = E (a reset).
//  3. Otherwise, per pixel: D = (|Er - Hr| + |Eg - Hg| + |Eb - Hb|) * (1/3); m = mean of D over the
//     3x3 neighbourhood (edges clamped); the history weight is
//       w = strength * clamp((t - m) * (2 / t), 0, 1),  t = motion_threshold
//     (full strength up to m = t/2, none from m = t), and out = E + w * (H - E).
//  Then H = out rounded to fp16 (IEEE binary16, round to nearest even): the history is stored
//  at half precision (half the memory traffic of the stage); out itself, the frame's result, is
//  the float blend. Alpha (when present) is copied from E, never blended, and not kept in H.
// Still noise of amplitude well below t is averaged over ~(1 + w) / (1 - w) frames; a moved edge
// differs by far more than t so it is taken from E as is: no trail. The rounding of H moves a
// value by at most 2^-12 relative (2.4e-4 at 1.0), far below the noise it averages; on a still
// picture out converges to within that of E (no drift, no sticking: out stays a blend of E and H).
//
// Float evaluation, shared by the reference, the fast version and the Vulkan shaders so that
// they agree bit for bit (the fp16 rounding of H would otherwise turn float differences of 1e-7
// into one-fp16-step differences, up to 4.9e-4, of the next frame's history). Every operation
// is rounded on its own (no FMA: not every target fuses, and lavapipe does not):
//   D as written above, left to right; R(x) = (D(x-1) + D(x)) + D(x+1) along the row;
//   S = (R(y-1) + R(y)) + R(y+1); w = min(max(2 strength - S * k, 0), strength) with
//   k = temporal_slope(p) (= 2 strength / (9 t), so w is the formula above);
//   out = E + w * (H - E).
#pragma once

#include "stages/stage_params.hpp"

namespace kizuna::stages {

// k of the history weight (see above): w = min(max(2 strength - S k, 0), strength), S the 3x3
// sum of D.
inline float temporal_slope(const TemporalParams& p) noexcept {
    return (2.0f * p.strength) / (9.0f * p.motion_threshold);
}

// Step 2: whether a frame of width x height pixels whose sum of |Y(E) - Y(H)| is luma_diff_sum
// is a scene cut.
inline bool temporal_scene_cut(double luma_diff_sum, int width, int height,
                               const TemporalParams& p) noexcept {
    return luma_diff_sum / (static_cast<double>(width) * height) > p.scene_cut_threshold;
}

}  // namespace kizuna::stages
