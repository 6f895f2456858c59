// The hybrid chain's new steps in plain C++ (the rule of hybrid.hpp), value by value; the
// definition of correct output.
#pragma once

#include "kizuna/error.hpp"
#include "kizuna/tensor.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// The model's input from the normalized frame (hybrid.hpp). linear: the frame holds linear
// light. out must pass check_model_input for the frame's size; only its 3 planes' w * h values
// are written.
Result<void> model_input_ref(const PlanarFrame& normalized, bool linear, TensorView out);

// Steps 1-3 of the AI picture: out gets R, G, B of out_width x out_height, no alpha.
Result<void> ai_picture_ref(ConstTensorView ai, int out_width, int out_height, float anti_ringing,
                            bool linear, PlanarFrame& out);

// Stage 3's alpha alone, as the preview makes it (upscale_ref when enabled: bicubic, full
// anti-ringing, clamped to [0, 1]; plain_resample_ref otherwise: not clamped) from in's alpha
// into out.a; out must already have its size and an alpha plane.
void upscale_alpha_ref(const PlanarFrame& in, bool enabled, PlanarFrame& out);

// Stage 3 of the hybrid chain (step 4 of hybrid.hpp): the frame stages 4-5 read. normalized and
// features: stages 1-2 of this frame; ai may be empty (data null). Resizes out; out has alpha iff
// normalized has.
Result<void> hybrid_upscale_ref(const PlanarFrame& normalized, const FeatureMap& features,
                                ConstTensorView ai, float strength, const PreviewParams& params,
                                PlanarFrame& out);

}  // namespace kizuna::stages
