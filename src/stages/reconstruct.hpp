// Stage 2, structural reconstruction: PlanarFrame -> FeatureMap (luma gradients and a class per
// pixel). The picture itself passes through unchanged. This header states the rule; the
// implementations are ref/reconstruct.hpp (the definition of correct output), cpu/reconstruct.hpp
// and vk/reconstruct.hpp.
//
// The rule (every backend follows it; "clamped" means coordinates outside the frame are moved
// to the nearest edge pixel):
//  Luma   L = 0.2126 R + 0.7152 G + 0.0722 B (color::luma_of, on the frame as given, gamma or
//     linear).
//  Gradient (Sobel / 8, so a ramp of slope s per pixel gives s):
//     gx = (L(x+1,y-1) + 2 L(x+1,y) + L(x+1,y+1) - L(x-1,y-1) - 2 L(x-1,y) - L(x-1,y+1)) / 8
//     gy = (L(x-1,y+1) + 2 L(x,y+1) + L(x+1,y+1) - L(x-1,y-1) - 2 L(x,y-1) - L(x+1,y-1)) / 8
//     magnitude = sqrt(gx^2 + gy^2). Direction = atan2(gy, gx) (across the edge, towards light).
//  Class, the first that matches:
//   line_art: darkness > line_threshold, where for the four directions d in {(1,0), (0,1),
//     (1,1), (1,-1)}: side+ = max(L(p+d), L(p+2d)), side- = max(L(p-d), L(p-2d)),
//     darkness = max over d of (min(side+, side-) - L(p)).
//     I.e. a stroke at most 3 pixels wide that is darker than the picture on BOTH sides, by
//     more than line_threshold, within two pixels (so luma rises steeply on both sides).
//   edge: magnitude > edge_threshold.
//   texture: in the 3x3 window around p, at least 5 pixels have magnitude > edge_threshold / 4,
//     and the gradients disagree: |sum of (gx, gy)| < 0.5 * sum of magnitudes (many weak,
//     alternating gradients; a soft ramp has aligned gradients and stays flat).
//   flat: everything else.
#pragma once

#include "kizuna/error.hpp"
#include "stages/planar.hpp"

namespace kizuna::stages {

// What a disabled stage 2 produces, on every backend: zero gradients and magnitude, every pixel
// flat. Resizes out.
Result<void> reconstruct_disabled(int width, int height, FeatureMap& out);

}  // namespace kizuna::stages
