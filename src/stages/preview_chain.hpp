// What the three preview chains (ref/preview.cpp, cpu/preview.cpp, vk/preview.cpp) share: the
// argument check of PreviewBackend::process and how PreviewParams turn into the stages' inputs.
#pragma once

#include <chrono>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "kizuna/tensor.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// Checks the arguments of PreviewBackend::process: non-empty input, a positive output size,
// and out of exactly that size. The message names what is wrong.
Result<void> check_preview_io(ConstImageView in, ImageView out, const PreviewParams& params);

// The output half of check_preview_io (process_yuv, hybrid_finish).
Result<void> check_preview_out(ImageView out, const PreviewParams& params);

// Stage 1 parameters as run: a disabled normalize only converts (NormalizeParams{}).
NormalizeParams effective_normalize(const PreviewParams& params) noexcept;

// True when the chain works in linear light (normalize enabled with linear_light); packing then
// re-encodes sRGB so the output is always gamma-encoded.
bool chain_is_linear(const PreviewParams& params) noexcept;

// True when stage 4 runs: enabled and not the identity (enhance.hpp). Otherwise the chain skips
// it (the identity copies its input exactly, so skipping changes no value).
bool chain_enhances(const PreviewParams& params) noexcept;

// The hybrid chain's bookkeeping between hybrid_begin and hybrid_finish, the same on every
// backend: begin() after a successful step 1, take() at step 2 with its arguments (checks out's
// size, the strength and the AI picture's shape, and fails when no step 1 is pending or params
// changed stage 1's linear light since), forget() in process().
class HybridState {
public:
    void begin(const PreviewParams& params) noexcept {
        pending_ = true;
        linear_ = chain_is_linear(params);
    }
    Result<void> take(ConstTensorView ai, float strength, ImageView out,
                      const PreviewParams& params);
    // The same for a step 2 whose output stays in the backend (no output view to check).
    Result<void> take(float strength, const PreviewParams& params);
    void forget() noexcept { pending_ = false; }

private:
    bool pending_ = false;
    bool linear_ = false;
};

// Wall time since t0 in milliseconds (the CPU chains' StageTimings).
inline double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace kizuna::stages
