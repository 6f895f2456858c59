// Profile -> stage parameters for the preview chain, the output size rule, and the chain's
// timings as the public struct.
#pragma once

#include <chrono>

#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"
#include "stages/preview_backend.hpp"
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

// The backend's timings of one frame (`st`) as the public struct; total_ms is the time since
// `t0`, the start of the whole call.
PreviewTimings preview_timings(const stages::StageTimings& st,
                               std::chrono::steady_clock::time_point t0) noexcept;

}  // namespace kizuna::pipeline
