// Helpers shared by the CPU preview chains (reference and fast).
#pragma once

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// Checks the arguments of PreviewBackend::process: non-empty input, a positive output size,
// and out of exactly that size. The message names what is wrong.
Result<void> check_preview_io(ConstImageView in, ImageView out, const PreviewParams& params);

// Stage 1 parameters as run: a disabled normalize only converts (NormalizeParams{}).
NormalizeParams effective_normalize(const PreviewParams& params) noexcept;

// True when the chain works in linear light (normalize enabled with linear_light); packing then
// re-encodes sRGB so the output is always gamma-encoded.
bool chain_is_linear(const PreviewParams& params) noexcept;

// What a disabled stage 3 does: lanczos3 resample of R, G, B with params.anti_ringing (alpha:
// bicubic with full anti-ringing), to params.out_width x out_height.
Result<void> plain_resample_ref(const PlanarFrame& in, const UpscaleParams& params,
                                PlanarFrame& out);

}  // namespace kizuna::stages
