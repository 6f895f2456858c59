// The hybrid chain: what `kizuna upscale` and the video export run on every frame.
//
//   stage 1 Normalize -> stage 2 Structural reconstruction
//     -> neural super-resolution of the gamma-encoded RGB (tiled, kizuna/nn_tiler.hpp), at the
//        model's native scale, brought to the output size by the anti-ringing resampler,
//        optionally blended with stage 3's shader upscale ("AI strength")
//     -> stage 4 Perceptual enhancement -> stage 5 Temporal stabilization -> output
//
// Stages 4-5 are the preview's own code (kizuna/preview.hpp), so a preview looks like its export.
// With the AI off (the profile's ai.enabled false, ai.strength 0, ai.backend "none") the output
// is the preview's, byte for byte.
//
// Safe degradation. The model runs on the best neural backend available (the profile's
// ai.backend; "auto": a discrete or integrated Vulkan GPU, else the CPU).
// When it cannot:
//  - a model that is missing, corrupt or uses an unsupported layer: one notice "AI model failed
//    to load: <path>: <reason>. Falling back to shader-only." and shader-only output; the model
//    is not tried again;
//  - out of memory: the tiler halves its tile down to a floor, then the next backend is tried,
//    then shader-only; each step is a notice;
//  - a frame past its deadline (the export's watchdog) gets the shader-only result; the next
//    frame tries the AI again (the caller decides when to give up: disable_ai()).
// With require_ai, each of these is an error instead.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "kizuna/nn_tiler.hpp"
#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/yuv.hpp"

namespace kizuna {

namespace pipeline {
struct UpscalerAccess;  // internal (src/pipeline/hybrid/upscaler_access.hpp): pipelined frames
}

struct UpscalerOptions {
    // The shader stages' backend, CPU threads and output size, as for the preview. The model's
    // threads come from the profile's ai.threads.
    PreviewOptions stages;
    // Working memory the model may use for its tiles, in bytes; 0 = 75% of the memory available
    // to the process (kizuna/memory_budget.hpp) less the frames this chain holds, measured when
    // the frame size is first seen.
    uint64_t ai_memory_bytes = 0;
    // Every fallback away from the AI (model load failure, out of memory, deadline) is an error.
    bool require_ai = false;
};

// Per-frame control, checked between tiles.
struct UpscaleControl {
    const std::atomic<bool>* cancel = nullptr;  // set to stop: Errc::cancelled
    // The model's part of the frame must end before this; past it the frame gets the
    // shader-only result (UpscaleReport::ai_timed_out).
    std::optional<std::chrono::steady_clock::time_point> deadline;
    std::function<void(const TileProgress&)> on_progress;  // after every tile
};

struct UpscaleReport {
    bool ai_used = false;       // the frame holds the model's picture (blended by ai.strength)
    bool ai_timed_out = false;  // the deadline passed: shader-only for this frame
    std::string ai_note;        // why the model's picture is not in this frame ("" when it is)
    double pre_ms = 0;          // stages 1-2 and the model's input
    double ai_ms = 0;           // the model, all tiles
    double post_ms = 0;         // resampling and blending the AI picture, stages 3-5, output
    double total_ms = 0;
    TileReport tiles;  // the tiler's layout and events of this frame (when the model ran)
};

// Move-only; one frame at a time, in display order (stage 5 keeps the previous output).
class Upscaler {
public:
    // Validates the profile and options, starts the stage backend and, when the profile asks for
    // the AI, loads the model (a failure is a notice and shader-only output, or an error with
    // require_ai). Errors: invalid_argument (profile, options, ai.scale not the model's scale),
    // the stage backend's errors, and with require_ai the model's.
    static Result<Upscaler> create(const Profile& profile, const UpscalerOptions& options = {});

    Upscaler(Upscaler&&) noexcept;
    Upscaler& operator=(Upscaler&&) noexcept;
    ~Upscaler();

    // One frame: RGBA (gamma-encoded full-range RGB, alpha kept) or planar Y'CbCr (decoded by
    // stage 1 with in.color). out is (re)allocated only when its size differs from
    // output_size(); it keeps its format, or takes RGBA8 (RGBA32F for >8-bit input) when empty.
    // Errors: invalid_argument, cancelled, out_of_memory, and with require_ai every fallback.
    Result<void> process(ConstImageView in, Image& out, const UpscaleControl& control = {},
                         UpscaleReport* report = nullptr);
    Result<void> process(const YuvView& in, Image& out, const UpscaleControl& control = {},
                         UpscaleReport* report = nullptr);

    void output_size(int in_width, int in_height, int& out_width, int& out_height) const noexcept;
    // Forgets the temporal history.
    void reset_history();
    // Sets UpscalerOptions::ai_memory_bytes (0 = measured); the next frame sizes its tiles by it.
    void set_ai_memory_budget(uint64_t bytes) noexcept;

    // True when the next frame runs the model.
    bool ai_active() const noexcept;
    // The model's id (or .param path) as the profile names it, "" when the profile has no AI.
    const std::string& ai_model() const noexcept;
    // "vulkan", "xnnpack" or "reference" while the model runs, "none" otherwise.
    std::string_view ai_backend() const noexcept;
    // "fp16" or "fp32": the number format the model runs in (ai.precision as it took effect:
    // fp16 only on the Vulkan backend on a device with 16-bit storage); "none" when not running.
    std::string_view ai_precision() const noexcept;
    // "cpu", "vulkan" or "reference": the shader stages' backend.
    std::string_view stage_backend() const noexcept;
    // What the user must be told, in order (each is also logged once as a warning): the model
    // that failed to load, every fallback step, settings that could not take effect.
    const std::vector<std::string>& notices() const noexcept;

    // Turns the model off for the rest of this object's life (the export's watchdog), with a
    // notice giving `reason`.
    void disable_ai(std::string_view reason);

private:
    struct Impl;
    friend struct pipeline::UpscalerAccess;
    explicit Upscaler(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace kizuna
