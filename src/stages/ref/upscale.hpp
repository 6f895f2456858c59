// Stage 3 reference: the rule of upscale.hpp in plain C++, pixel by pixel; the definition of
// correct output.
#pragma once

#include "kizuna/error.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// One edge-directed x2 step of R, G, B (alpha is ignored; out.a is left empty). features must
// be stage 2's map of `in` (same size). Resizes out to 2*w x 2*h.
Result<void> upscale2x_ref(const PlanarFrame& in, const FeatureMap& features,
                           const UpscaleParams& params, PlanarFrame& out);

// Stage 3. params.out_width / out_height > 0 (any size, also smaller than in). Resizes out; out
// has alpha iff in has.
Result<void> upscale_ref(const PlanarFrame& in, const FeatureMap& features,
                         const UpscaleParams& params, PlanarFrame& out);

// What a disabled stage 3 does: lanczos3 resample of R, G, B with params.anti_ringing (alpha:
// bicubic with full anti-ringing), to params.out_width x out_height.
Result<void> plain_resample_ref(const PlanarFrame& in, const UpscaleParams& params,
                                PlanarFrame& out);

}  // namespace kizuna::stages
