// Stage 3, real-time upscale: PlanarFrame + FeatureMap -> PlanarFrame at
// params.out_width x out_height. upscale_ref is the reference; upscale_cpu.hpp has the fast
// version.
//
// Plan: while the remaining factor is at least 2 on both axes, an edge-directed x2 step
// (upscale2x_ref; steps after the first use gradients recomputed by reconstruct_ref with default
// ReconstructParams on the intermediate picture); then, if the size still differs, a final
// lanczos3 resample with anti-ringing = params.anti_ringing (resample.hpp). Alpha skips the x2
// steps: it is resampled once from the input with bicubic and full anti-ringing, then clamped to
// [0, 1]. RGB values are clamped to [0, 1] at the end.
//
// The x2 step is described in upscale2x_ref below.
#pragma once

#include "kizuna/error.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// Number of x2 steps upscale_ref takes for a given input and output size.
int upscale_steps(int in_width, int in_height, int out_width, int out_height) noexcept;

// One edge-directed x2 step of R, G, B (alpha is ignored; out.a is left empty). features must
// be stage 2's map of `in` (same size). Resizes out to 2*w x 2*h. See upscale.cpp for the rule.
Result<void> upscale2x_ref(const PlanarFrame& in, const FeatureMap& features,
                           const UpscaleParams& params, PlanarFrame& out);

// Reference stage 3. params.out_width / out_height > 0 (any size, also smaller than in).
// Resizes out; out has alpha iff in has.
Result<void> upscale_ref(const PlanarFrame& in, const FeatureMap& features,
                         const UpscaleParams& params, PlanarFrame& out);

}  // namespace kizuna::stages
