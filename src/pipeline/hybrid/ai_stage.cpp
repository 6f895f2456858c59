#include "pipeline/hybrid/ai_stage.hpp"

#include <fmt/format.h>

#include "kizuna/log.hpp"
#include "kizuna/nn_backend_choice.hpp"
#include "kizuna/text.hpp"
#include "nn/tile/tiler_access.hpp"
#include "nn/vulkan/vk_device.hpp"

namespace kizuna::pipeline {
namespace {

const char* kind_name(NnBackendKind kind) {
    return nn_backend_name(kind);
}

// The model's file as the user should see it: the resolved .param path when there is one.
std::string model_location(const std::string& id) {
    auto path = resolve_model(id);
    return escape_for_terminal(path ? path->string() : id);
}

}  // namespace

AiStage::AiStage(AiStage&&) noexcept = default;
AiStage& AiStage::operator=(AiStage&&) noexcept = default;
AiStage::~AiStage() = default;

int AiStage::scale() const noexcept {
    return model_ ? model_->info().scale : 1;
}

std::string_view AiStage::backend_name() const noexcept {
    return tiler_ ? tiler_->backend_name() : "none";
}

std::string_view AiStage::precision_name() const noexcept {
    return tiler_ ? nn_precision_name(nn::tile::TilerAccess::precision(*tiler_)) : "none";
}

void AiStage::set_memory_budget(uint64_t bytes) {
    settings_.memory_bytes = bytes;
    if (tiler_) tiler_->set_memory_budget(bytes);
}

Result<AiStage> AiStage::create(const Profile& profile, bool require_ai, Notices& notices,
                                std::shared_ptr<gpu::Context> vk_context) {
    AiStage s;
    s.require_ai_ = require_ai;
    s.vk_context_ = std::move(vk_context);
    s.notices_ = &notices;
    const AiSettings& ai = profile.ai;
    if (!ai.enabled) return s;
    s.model_id_ = ai.model;
    if (ai.strength == 0.0f) {
        log(LogLevel::info, "ai.strength is 0: the model is not run (shader-only output)");
        return s;
    }
    switch (ai.backend) {
        case BackendPreference::none:
            if (require_ai)
                return make_error(Errc::invalid_argument,
                                  "--require-ai: the profile's ai.backend is \"none\"");
            log(LogLevel::info,
                "ai.backend is \"none\": the model is not run (shader-only output)");
            return s;
        case BackendPreference::vulkan:
            // Asked for by name: the Vulkan backend on the best Vulkan device (a software one
            // included), then the CPU when it cannot start or runs out of memory.
            s.backends_ = {NnBackendKind::vulkan, NnBackendKind::xnnpack};
            break;
        case BackendPreference::auto_select: {
            // A real GPU takes the Vulkan backend (then the CPU); a software device never does.
            const NnBackendChoice choice = auto_nn_backend();
            log(LogLevel::info, fmt::format("ai.backend auto: {} ({})", choice.label,
                                            escape_for_terminal(choice.reason)));
            if (choice.backend == NnBackendKind::vulkan)
                s.backends_ = {NnBackendKind::vulkan, NnBackendKind::xnnpack};
            else
                s.backends_ = {NnBackendKind::xnnpack};
            break;
        }
        case BackendPreference::cpu:
            s.backends_ = {NnBackendKind::xnnpack};
            break;
    }
    auto model = Model::load(ai.model);
    if (!model) {
        const Error& e = model.error();
        if (require_ai)
            return make_error(e.code, fmt::format("AI model failed to load: {}: {}",
                                                  model_location(ai.model), e.message));
        notices.add(fmt::format("AI model failed to load: {}: {}. Falling back to shader-only.",
                                model_location(ai.model), e.message));
        return s;
    }
    if (model->info().scale != ai.scale)
        return make_error(
            Errc::invalid_argument,
            fmt::format("ai.scale {} does not match the model {}, which upscales "
                        "x{}",
                        ai.scale, escape_for_terminal(ai.model), model->info().scale));
    s.model_ = std::move(*model);
    s.session_.threads = ai.threads;
    s.precision_ = ai.precision;
    s.settings_.tile_size = ai.tile_size;
    s.settings_.overlap = ai.tile_overlap;
    KZ_TRY(s.start_backend(notices));
    return s;
}

// Creates a tiler on the first backend of the list that starts. XNNPACK that cannot start on
// this CPU falls back to the reference backend (correct, much slower), with a notice.
Result<void> AiStage::start_backend(Notices& notices) {
    while (!backends_.empty()) {
        const NnBackendKind kind = backends_.front();
        backends_.erase(backends_.begin());
        session_.backend = kind;
        // The Vulkan backend runs on the stages' context when there is one, else on a device of
        // its own; made here so that its 16-bit storage is known before the precision is set.
        if (kind == NnBackendKind::vulkan && !vk_device_) {
            auto device = nn::VulkanDevice::create(vk_context_);
            if (device) vk_device_ = std::move(*device);
        }
        session_.precision =
            kind == NnBackendKind::vulkan ? vulkan_precision(notices) : NnPrecision::fp32;
        auto t = nn::tile::TilerAccess::create(
            *model_, session_, settings_, kind == NnBackendKind::vulkan ? vk_device_ : nullptr);
        if (t) {
            tiler_ = std::make_unique<Tiler>(std::move(*t));
            if (precision_ == AiPrecision::fp16 && kind != NnBackendKind::vulkan)
                notices.add(
                    fmt::format("ai.precision fp16: the model runs in fp32 on the {} "
                                "backend (only the Vulkan backend has fp16)",
                                kind_name(kind)));
            return {};
        }
        if (t.error().code == Errc::invalid_argument) return std::move(t).error();
        if (require_ai_) return std::move(t).error();
        if (kind == NnBackendKind::xnnpack) {
            notices.add(
                fmt::format("the XNNPACK backend cannot run here ({}); the model runs on the "
                            "reference backend, which is much slower",
                            t.error().message));
            backends_.insert(backends_.begin(), NnBackendKind::reference);
            continue;
        }
        if (!backends_.empty()) {
            notices.add(fmt::format("the {} backend cannot run the model ({}); trying {}",
                                    kind_name(kind), t.error().message,
                                    kind_name(backends_.front())));
            continue;
        }
        notices.add(
            fmt::format("the {} backend cannot run the model ({}). Falling back to "
                        "shader-only.",
                        kind_name(kind), t.error().message));
    }
    tiler_.reset();
    return {};
}

NnPrecision AiStage::vulkan_precision(Notices& notices) const {
    switch (precision_) {
        case AiPrecision::fp32:
            return NnPrecision::fp32;
        case AiPrecision::automatic:
            return NnPrecision::automatic;  // fp16 where the device has 16-bit storage
        case AiPrecision::fp16:
            break;
    }
    if (vk_device_ && !vk_device_->context().fp16_enabled()) {
        notices.add(
            fmt::format("ai.precision fp16: the Vulkan device '{}' has no 16-bit storage "
                        "buffers (storageBuffer16BitAccess); the model runs in fp32",
                        escape_for_terminal(vk_device_->context().caps().info.name)));
        return NnPrecision::fp32;
    }
    return NnPrecision::fp16;
}

Result<void> AiStage::step_down(const Error& why, Notices& notices) {
    const std::string from = tiler_ ? tiler_->backend_name() : "none";
    tiler_.reset();
    vk_device_.reset();  // the Vulkan backend comes first in the list: its weights go now
    if (require_ai_) return why;
    if (backends_.empty()) {
        notices.add(
            fmt::format("AI on {} failed ({}). Falling back to shader-only for the rest "
                        "of the job.",
                        from, why.message));
        return {};
    }
    notices.add(fmt::format("AI on {} failed ({}); trying the next backend", from, why.message));
    return start_backend(notices);
}

void AiStage::disable(const std::string& reason, Notices& notices) {
    if (!tiler_) return;
    tiler_.reset();
    backends_.clear();
    notices.add(fmt::format("AI disabled for the rest of the job: {}", reason));
}

TileControl AiStage::tile_control(const UpscaleControl& control) {
    TileControl tc;
    tc.cancel = control.cancel;
    tc.deadline = control.deadline;
    tc.on_progress = control.on_progress;
    return tc;
}

Result<bool> AiStage::settle(const Result<void>& r, Outcome& out, TileReport* tiles) {
    const TileReport& rep = tiler_->last_report();
    // Out-of-memory halvings: notices, so that the job's summary lists them.
    for (const std::string& e : rep.events)
        notices_->add(fmt::format("AI on {}: {}", tiler_->backend_name(), e));
    if (tiles) *tiles = rep;
    if (r) {
        out.used = true;
        return true;
    }
    const Error& e = r.error();
    if (e.code == Errc::cancelled) return e;
    if (e.code == Errc::timeout) {
        if (require_ai_) return e;
        out.timed_out = true;
        out.note = e.message;
        return true;
    }
    // Out of memory at the smallest tile, or a failure of the backend: next backend, else
    // shader-only; this frame is tried again on whatever is left.
    KZ_TRY(step_down(e, *notices_));
    return false;
}

Result<AiStage::Outcome> AiStage::run(ConstTensorView input, TensorView output,
                                      const UpscaleControl& control, TileReport* tiles) {
    Outcome out;
    const TileControl tc = tile_control(control);
    while (tiler_) {
        auto done = settle(tiler_->run(input, output, tc), out, tiles);
        KZ_TRY(done);
        if (*done) return out;
    }
    out.note = "the model is not running";
    return out;
}

bool AiStage::runs_on(const gpu::Context& context) const {
    return tiler_ && nn::tile::TilerAccess::runs_on(*tiler_, context);
}

Result<AiStage::Outcome> AiStage::run_device(const nn::tile::DevicePictures& pictures,
                                             const UpscaleControl& control, TileReport* tiles) {
    Outcome out;
    auto done = settle(nn::tile::TilerAccess::run_device(*tiler_, pictures, tile_control(control)),
                       out, tiles);
    KZ_TRY(done);
    out.left_device = !*done;
    return out;
}

}  // namespace kizuna::pipeline
