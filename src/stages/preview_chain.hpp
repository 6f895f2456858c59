// What the three preview chains (ref/preview.cpp, cpu/preview.cpp, vk/preview.cpp) share: the
// argument check of PreviewBackend::process and how PreviewParams turn into the stages' inputs.
#pragma once

#include <chrono>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
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

// True when stage 4 runs: enabled and not the identity (enhance.hpp). Otherwise the chain skips
// it (the identity copies its input exactly, so skipping changes no value).
bool chain_enhances(const PreviewParams& params) noexcept;

// Wall time since t0 in milliseconds (the CPU chains' StageTimings).
inline double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace kizuna::stages
