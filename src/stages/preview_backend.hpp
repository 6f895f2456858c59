// One implementation of the whole five-stage preview chain. Three exist: the reference (plain
// C++), the fast CPU one (SIMD + threads) and Vulkan compute. They produce the same picture
// within the tolerances stated in tests/kernels/stages.
#pragma once

#include <memory>
#include <string_view>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// Per-stage timings of the last frame, in milliseconds (GPU timestamps on Vulkan, wall time on
// CPU). A stage that did not run reports 0.
struct StageTimings {
    double normalize_ms = 0, reconstruct_ms = 0, upscale_ms = 0, enhance_ms = 0, temporal_ms = 0;
    double upload_ms = 0, download_ms = 0;  // Vulkan only
};

class PreviewBackend {
public:
    virtual ~PreviewBackend() = default;

    // Runs the chain on one frame. in: any RGBA format, colour metadata in in's ColorInfo is
    // not available here, so RGBA input is taken as gamma-encoded full-range RGB.
    // out: any RGBA format, size = params.upscale.out_width x out_height (the caller allocates).
    // Keeps the previous output as temporal history. Not thread safe: one frame at a time.
    virtual Result<void> process(ConstImageView in, ImageView out, const PreviewParams& params) = 0;

    // Forgets the temporal history (next frame is treated as after a scene cut).
    virtual void reset_history() = 0;

    virtual std::string_view name() const = 0;
    virtual StageTimings last_timings() const { return {}; }
};

std::unique_ptr<PreviewBackend> make_reference_preview();
// threads: 0 = all hardware threads.
std::unique_ptr<PreviewBackend> make_cpu_preview(int threads);
// Fails when no Vulkan device can be used (the error says why).
Result<std::unique_ptr<PreviewBackend>> make_vulkan_preview();

}  // namespace kizuna::stages
