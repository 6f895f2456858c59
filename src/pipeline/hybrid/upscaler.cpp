// kizuna::Upscaler: the hybrid chain of one job. Stages come from the stage backend's hybrid
// entry points (stages/preview_backend.hpp), the model from AiStage. When the stages run on
// Vulkan and the model on the Vulkan backend of the same device, the frame stays there from
// stage 1 to packing (the _device entry points of stages/vk/preview.hpp and
// TilerAccess::run_device); otherwise the model's input and picture pass through the host.
#include "kizuna/upscaler.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "core/logging.hpp"
#include "kizuna/memory_budget.hpp"
#include "pipeline/hybrid/ai_stage.hpp"
#include "pipeline/hybrid/gpu_resident.hpp"
#include "pipeline/preview_params.hpp"
#include "pipeline/stage_backend.hpp"
#include "stages/preview_backend.hpp"
#include "stages/vk/preview.hpp"

namespace kizuna {

struct Upscaler::Impl {
    Profile profile;
    UpscalerOptions opts;
    stages::PreviewParams params;
    std::unique_ptr<stages::PreviewBackend> stages;
    stages::vk::VkPreviewBackend* vk_stages = nullptr;  // `stages` when it runs on Vulkan
    gpu::Context* vk_context = nullptr;                 // its context, when it owns one
    pipeline::Notices notices;
    std::optional<pipeline::AiStage> ai;
    Tensor model_input;                      // 3 x H x W
    Tensor ai_output;                        // 3 x scale*H x scale*W
    int budget_for_w = 0, budget_for_h = 0;  // frame size the AI budget was computed for

    float strength() const { return profile.ai.strength; }
    Result<void> prepare_ai(int w, int h, int out_w, int out_h);
    template <class Input>
    Result<bool> run_on_device(const Input& in, int w, int h, Image& out,
                               const UpscaleControl& control, UpscaleReport& r);
    template <class Input>
    Result<void> run(const Input& in, int w, int h, PixelFormat default_format, Image& out,
                     const UpscaleControl& control, UpscaleReport* report);
};

namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

Result<void> ensure_tensor(Tensor& t, int c, int h, int w) {
    if (t.channels() == c && t.height() == h && t.width() == w) return {};
    t = Tensor{};
    auto n = Tensor::create(c, h, w);
    KZ_TRY(n);
    t = std::move(*n);
    return {};
}

// Stage-side entry for either input kind.
Result<void> begin(stages::PreviewBackend& b, ConstImageView in, TensorView t,
                   const stages::PreviewParams& p) {
    return b.hybrid_begin(in, t, p);
}
Result<void> begin(stages::PreviewBackend& b, const YuvView& in, TensorView t,
                   const stages::PreviewParams& p) {
    return b.hybrid_begin_yuv(in, t, p);
}
Result<const gpu::Buffer*> begin_device(stages::vk::VkPreviewBackend& b, ConstImageView in,
                                        const stages::PreviewParams& p) {
    return b.hybrid_begin_device(in, p);
}
Result<const gpu::Buffer*> begin_device(stages::vk::VkPreviewBackend& b, const YuvView& in,
                                        const stages::PreviewParams& p) {
    return b.hybrid_begin_yuv_device(in, p);
}
Result<void> whole(stages::PreviewBackend& b, ConstImageView in, ImageView out,
                   const stages::PreviewParams& p) {
    return b.process(in, out, p);
}
Result<void> whole(stages::PreviewBackend& b, const YuvView& in, ImageView out,
                   const stages::PreviewParams& p) {
    return b.process_yuv(in, out, p);
}

}  // namespace

// Buffers for a frame size, and the AI's memory budget: what the process may use, less the
// frames this chain and its caller hold (input, model input and output, the output picture and
// the stages' planes, about 64 bytes per output pixel on the CPU backend).
Result<void> Upscaler::Impl::prepare_ai(int w, int h, int out_w, int out_h) {
    const int s = ai->scale();
    KZ_TRY(ensure_tensor(model_input, 3, h, w));
    KZ_TRY(ensure_tensor(ai_output, 3, s * h, s * w));
    if (budget_for_w == w && budget_for_h == h) return {};
    uint64_t budget = opts.ai_memory_bytes;
    if (budget == 0) {
        const uint64_t held = uint64_t{16} * w * h + uint64_t{12} * w * h +
                              uint64_t{12} * s * s * w * h + uint64_t{64} * out_w * out_h;
        budget = MemoryBudget::from_available(probe_available_memory()).bytes_left(held);
    }
    ai->set_memory_budget(budget);
    budget_for_w = w;
    budget_for_h = h;
    return {};
}

// The frame on the device: stages 1-2 leave the model's input in a device buffer, the tiles run
// on it and blend into the AI picture's device buffer, which stage 3's step takes as it is.
// False (nothing written to out) when the model left the device during the frame: the caller
// runs the frame again on the host path.
template <class Input>
Result<bool> Upscaler::Impl::run_on_device(const Input& in, int w, int h, Image& out,
                                           const UpscaleControl& control, UpscaleReport& r) {
    const auto t0 = Clock::now();
    auto input = begin_device(*vk_stages, in, params);
    KZ_TRY(input);
    const int s = ai->scale();
    auto target = vk_stages->hybrid_ai_target(s * w, s * h, params);
    KZ_TRY(target);
    const auto t1 = Clock::now();
    const nn::tile::DevicePictures pictures{*input, 3, h, w, *target, s};
    auto outcome = ai->run_device(pictures, control, &r.tiles);
    KZ_TRY(outcome);
    if (outcome->left_device) {
        KZ_LOG_INFO(
            "the model left the Vulkan device ({}): this frame runs again with its "
            "pictures through the host",
            ai->backend_name());
        return false;
    }
    const auto t2 = Clock::now();
    r.ai_used = outcome->used;
    r.ai_timed_out = outcome->timed_out;
    r.ai_note = outcome->note;
    if (outcome->used && strength() > 0.0f) {
        KZ_TRY(vk_stages->hybrid_finish_device(strength(), out.view(), params));
    } else {
        KZ_TRY(vk_stages->hybrid_finish(ConstTensorView{}, strength(), out.view(), params));
    }
    const auto t3 = Clock::now();
    r.pre_ms = ms_between(t0, t1);
    r.ai_ms = ms_between(t1, t2);
    r.post_ms = ms_between(t2, t3);
    r.total_ms = ms_between(t0, t3);
    return true;
}

template <class Input>
Result<void> Upscaler::Impl::run(const Input& in, int w, int h, PixelFormat default_format,
                                 Image& out, const UpscaleControl& control, UpscaleReport* report) {
    const auto t0 = Clock::now();
    int ow = 0, oh = 0;
    pipeline::preview_output_size(profile, opts.stages, w, h, ow, oh);
    if (out.empty() || out.width() != ow || out.height() != oh) {
        auto img = Image::create(ow, oh, out.empty() ? default_format : out.format());
        KZ_TRY(img);
        out = std::move(*img);
    }
    params.upscale.out_width = ow;
    params.upscale.out_height = oh;
    UpscaleReport local;
    UpscaleReport& r = report ? *report : local;
    r = UpscaleReport{};
    if (!ai || !ai->active()) {
        KZ_TRY(whole(*stages, in, out.view(), params));
        r.ai_note = ai && !ai->model_id().empty() ? "the model is not running" : "";
        r.post_ms = r.total_ms = ms_between(t0, Clock::now());
        return {};
    }
    KZ_TRY(prepare_ai(w, h, ow, oh));
    if (vk_context != nullptr && ai->runs_on(*vk_context) && pipeline::gpu_resident_frames()) {
        auto done = run_on_device(in, w, h, out, control, r);
        KZ_TRY(done);
        if (*done) return {};
        r = UpscaleReport{};
    }
    KZ_TRY(begin(*stages, in, model_input.view(), params));
    const auto t1 = Clock::now();
    auto outcome = ai->run(std::as_const(model_input).view(), ai_output.view(), control,
                           report ? &r.tiles : nullptr);
    KZ_TRY(outcome);
    const auto t2 = Clock::now();
    r.ai_used = outcome->used;
    r.ai_timed_out = outcome->timed_out;
    r.ai_note = outcome->note;
    const ConstTensorView ai_view =
        outcome->used ? std::as_const(ai_output).view() : ConstTensorView{};
    KZ_TRY(stages->hybrid_finish(ai_view, strength(), out.view(), params));
    const auto t3 = Clock::now();
    r.pre_ms = ms_between(t0, t1);
    r.ai_ms = ms_between(t1, t2);
    r.post_ms = ms_between(t2, t3);
    r.total_ms = ms_between(t0, t3);
    return {};
}

Upscaler::Upscaler(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Upscaler::Upscaler(Upscaler&&) noexcept = default;
Upscaler& Upscaler::operator=(Upscaler&&) noexcept = default;
Upscaler::~Upscaler() = default;

Result<Upscaler> Upscaler::create(const Profile& profile, const UpscalerOptions& options) {
    KZ_TRY(validate_profile(profile));
    KZ_TRY(pipeline::validate_preview_options(options.stages));
    auto impl = std::make_unique<Impl>();
    impl->profile = profile;
    impl->opts = options;
    impl->params = pipeline::preview_params_from_profile(profile);
    auto backend = pipeline::make_stage_backend(options.stages.backend, options.stages.threads);
    KZ_TRY(backend);
    impl->stages = std::move(*backend);
    // Stages on Vulkan: the Vulkan NN backend runs on their device (one VkDevice per chain).
    std::shared_ptr<gpu::Context> vk_context;
    if (auto* vk = dynamic_cast<stages::vk::VkPreviewBackend*>(impl->stages.get())) {
        vk_context = vk->context();
        impl->vk_stages = vk;
        impl->vk_context = vk_context.get();
    }
    auto ai = pipeline::AiStage::create(profile, options.require_ai, impl->notices,
                                        std::move(vk_context));
    KZ_TRY(ai);
    impl->ai.emplace(std::move(*ai));
    return Upscaler(std::move(impl));
}

Result<void> Upscaler::process(ConstImageView in, Image& out, const UpscaleControl& control,
                               UpscaleReport* report) {
    if (in.empty() || !in.data)
        return make_error(Errc::invalid_argument, "upscale: the input image is empty");
    return impl_->run(in, in.width, in.height, in.format, out, control, report);
}

Result<void> Upscaler::process(const YuvView& in, Image& out, const UpscaleControl& control,
                               UpscaleReport* report) {
    if (in.empty() || !in.y)
        return make_error(Errc::invalid_argument, "upscale: the input picture is empty");
    const PixelFormat f = in.bit_depth > 8 ? PixelFormat::rgba32f : PixelFormat::rgba8;
    return impl_->run(in, in.width, in.height, f, out, control, report);
}

void Upscaler::output_size(int in_width, int in_height, int& out_width,
                           int& out_height) const noexcept {
    pipeline::preview_output_size(impl_->profile, impl_->opts.stages, in_width, in_height,
                                  out_width, out_height);
}

void Upscaler::set_ai_memory_budget(uint64_t bytes) noexcept {
    impl_->opts.ai_memory_bytes = bytes;
    impl_->budget_for_w = impl_->budget_for_h = 0;
}

void Upscaler::reset_history() {
    impl_->stages->reset_history();
}

bool Upscaler::ai_active() const noexcept {
    return impl_->ai && impl_->ai->active();
}

const std::string& Upscaler::ai_model() const noexcept {
    return impl_->ai->model_id();
}

std::string_view Upscaler::ai_backend() const noexcept {
    return impl_->ai->backend_name();
}

std::string_view Upscaler::ai_precision() const noexcept {
    return impl_->ai->precision_name();
}

std::string_view Upscaler::stage_backend() const noexcept {
    return impl_->stages->name();
}

const std::vector<std::string>& Upscaler::notices() const noexcept {
    return impl_->notices.all();
}

void Upscaler::disable_ai(std::string_view reason) {
    impl_->ai->disable(std::string(reason), impl_->notices);
}

}  // namespace kizuna
