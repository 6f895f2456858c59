// The neural part of the hybrid chain: the model, a tiler on the best neural backend that works,
// and the order in which it gives up (out of memory: smaller tiles, then the next backend, then
// shader-only). Internal to kizuna_pipeline; kizuna/upscaler.hpp states the user-visible rules.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/models.hpp"
#include "kizuna/nn_tiler.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/upscaler.hpp"
#include "nn/tile/device_tiles.hpp"
#include "pipeline/hybrid/notices.hpp"

namespace kizuna::gpu {
class Context;
}
namespace kizuna::nn {
class VulkanDevice;
}

namespace kizuna::pipeline {

class AiStage {
public:
    // Loads the profile's model when the profile asks for the AI (ai.enabled, ai.strength > 0,
    // ai.backend not "none"); a model that cannot be loaded or run is a notice and leaves the
    // stage inactive, or an error with require_ai. Errors also: invalid_argument when ai.scale is
    // not the model's scale. vk_context: the Vulkan stage backend's context, when the stages run
    // on Vulkan; the Vulkan NN backend then runs on it (one device per job, used by the thread
    // that runs the chain); null: that backend makes a device of its own.
    static Result<AiStage> create(const Profile& profile, bool require_ai, Notices& notices,
                                  std::shared_ptr<gpu::Context> vk_context = {});

    AiStage(AiStage&&) noexcept;
    AiStage& operator=(AiStage&&) noexcept;
    ~AiStage();

    bool active() const noexcept { return tiler_ != nullptr; }
    int scale() const noexcept;
    const std::string& model_id() const noexcept { return model_id_; }
    std::string_view backend_name() const noexcept;
    // The number format the model runs in: "fp16" (the Vulkan backend in fp16) or "fp32"
    // (every other backend, and the Vulkan backend in fp32); "none" when inactive.
    std::string_view precision_name() const noexcept;
    void set_memory_budget(uint64_t bytes);

    struct Outcome {
        bool used = false;       // output holds the model's picture
        bool timed_out = false;  // the deadline passed (the stage stays active)
        std::string note;        // why not used
        // run_device only: the model left the device (out of memory at the smallest tile, or a
        // failure: the next backend took over, a notice says so); the frame is to be run again
        // on the host path.
        bool left_device = false;
    };
    // Runs the model on input (3 x H x W) into output (3 x scale*H x scale*W). Out of memory and
    // other failures step down the fallback order (notices) and retry this frame; when nothing is
    // left the outcome is "not used". Errors: cancelled; with require_ai every fallback.
    // tiles: when not null, receives the tiler's report of this frame.
    Result<Outcome> run(ConstTensorView input, TensorView output, const UpscaleControl& control,
                        TileReport* tiles);

    // True when the model runs on the Vulkan backend on `context` (run_device may be used).
    bool runs_on(const gpu::Context& context) const;
    // run() with the pictures in device buffers of that context (TilerAccess::run_device). Out of
    // memory halves the tile as run() does; when the Vulkan backend gives up, the fallback order
    // steps down as in run() and the outcome says left_device.
    Result<Outcome> run_device(const nn::tile::DevicePictures& pictures,
                               const UpscaleControl& control, TileReport* tiles);

    // Stops using the model for good, with a notice.
    void disable(const std::string& reason, Notices& notices);

private:
    AiStage() = default;
    Result<void> start_backend(Notices& notices);
    // The Vulkan backend's precision for the profile's ai.precision on vk_device_ (null: not
    // made); ai.precision fp16 on a device without 16-bit storage is fp32, with a notice.
    NnPrecision vulkan_precision(Notices& notices) const;
    Result<void> step_down(const Error& why, Notices& notices);
    // After one tiler run: its halvings become notices and its report goes to tiles; true when
    // `out` is this frame's outcome (used, or past the deadline), false after a step down of the
    // fallback order (the frame is to be tried again on what is left). Errors: cancelled, and
    // with require_ai every fallback.
    Result<bool> settle(const Result<void>& r, Outcome& out, TileReport* tiles);
    static TileControl tile_control(const UpscaleControl& control);

    std::optional<Model> model_;
    std::string model_id_;
    bool require_ai_ = false;
    AiPrecision precision_ = AiPrecision::automatic;  // the profile's ai.precision
    SessionOptions session_;
    TileSettings settings_;
    std::vector<NnBackendKind> backends_;          // still to try, in order
    std::shared_ptr<gpu::Context> vk_context_;     // the stages' context, or null
    std::shared_ptr<nn::VulkanDevice> vk_device_;  // on vk_context_, made by start_backend
    std::unique_ptr<Tiler> tiler_;                 // null: inactive
    Notices* notices_ = nullptr;                   // the owner's, for fallbacks during run()
};

}  // namespace kizuna::pipeline
