// The hybrid chain (export): stages 1-2, then a neural upscale in place of stage 3 (optionally
// blended with it, "AI strength"), then stages 4-5 and packing exactly as in the preview. This
// header states the rule of the two steps that are new (the model's input and the AI picture)
// and holds the argument checks every backend shares; the entry points are
// PreviewBackend::hybrid_begin / hybrid_finish (preview_backend.hpp), the reference of the new
// steps is ref/hybrid.hpp.
//
// Model input (hybrid_begin): the normalized frame N (stage 1's output) as 3 x H x W planar RGB,
// gamma-encoded as the preview's output is: per value, v = sanitize(N) and, when the chain works
// in linear light, v = sanitize(linear_to_srgb(v)) (the encode of output packing, pack.hpp).
// sanitize(x): NaN -> 0, then clamp to [0, 1]. Alpha is never part of it.
//
// AI picture (hybrid_finish), from the model's output M (3 x H' x W', any size), per channel:
//  1. A0 = sanitize(M).
//  2. When (W', H') differs from the output size: A1 = lanczos3 resample of A0 to the output size
//     with anti-ringing = params.upscale.anti_ringing (resample.hpp: the resampler a disabled
//     stage 3 uses); otherwise A1 = A0.
//  3. A2 = sanitize(A1); linear chain: A2 = srgb_to_linear(A2) (color.hpp).
//  4. With U the preview's stage 3 output (upscale.hpp, or the plain resample when stage 3 is
//     disabled) and s the strength:
//       s == 0 or no AI picture: RGB = U (the preview's path; A is not made);
//       0 < s < 1:               RGB = s * A2 + (1 - s) * U, evaluated in float exactly so
//                                (two products, then their sum; no fused multiply-add);
//       s == 1:                  RGB = A2 (U's colour is not made).
//     Alpha (when the source has it) is U's alpha in every case: the alpha path of stage 3.
// The frame made so takes stage 3's place: stage 4 reads stage 2's class map of the source frame
// and stage 5's history continues from the previous frame, whichever entry point made it.
#pragma once

#include "kizuna/error.hpp"
#include "kizuna/tensor.hpp"

namespace kizuna::stages {

// Checks the model-input tensor of hybrid_begin: non-null, 3 channels of width x height,
// plane_stride >= width * height. The message names the expected and actual shapes.
Result<void> check_model_input(TensorView t, int width, int height);

// Checks an AI picture given to hybrid_finish (data non-null): 3 channels, a positive size and
// plane_stride >= width * height.
Result<void> check_ai_picture(ConstTensorView ai);

// Checks the AI strength: a number in [0, 1].
Result<void> check_ai_strength(float strength);

// True when the AI picture takes part in the frame: it is given (data non-null) and s > 0.
inline bool hybrid_uses_ai(ConstTensorView ai, float strength) noexcept {
    return ai.data != nullptr && strength > 0.0f;
}

}  // namespace kizuna::stages
