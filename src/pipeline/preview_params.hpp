// Profile -> stage parameters for the preview chain, and the output size rule.
#pragma once

#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::pipeline {

// Copies the profile's stage settings into the chain's parameters (the output size is left 0;
// see preview_output_size).
stages::PreviewParams preview_params_from_profile(const Profile& profile) noexcept;

// The output size rule of PreviewOptions: options first, then the profile's width x height when
// both are set, else round(input * scale). Sizes are at least 1.
void preview_output_size(const Profile& profile, const PreviewOptions& opts, int in_width,
                         int in_height, int& out_width, int& out_height) noexcept;

// Checks the options' ranges (threads, scale, width, height); the message names the field.
Result<void> validate_preview_options(const PreviewOptions& opts);

}  // namespace kizuna::pipeline
