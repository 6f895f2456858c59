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
#include "pipeline/hybrid/upscaler_impl.hpp"
#include "pipeline/preview_params.hpp"
#include "pipeline/stage_backend.hpp"
#include "stages/preview_backend.hpp"
#include "stages/vk/preview.hpp"

namespace kizuna {

namespace {

using Clock = std::chrono::steady_clock;
using namespace hybrid_detail;

Result<void> ensure_tensor(Tensor& t, int c, int h, int w) {
    if (t.channels() == c && t.height() == h && t.width() == w) return {};
    t = Tensor{};
    auto n = Tensor::create(c, h, w);
    KZ_TRY(n);
    t = std::move(*n);
    return {};
}

}  // namespace

bool Upscaler::Impl::device_path() const {
    return ai && ai->active() && vk_context != nullptr && ai->runs_on(*vk_context) &&
           pipeline::gpu_resident_frames();
}

void Upscaler::Impl::size_for(int w, int h) {
    pipeline::preview_output_size(profile, opts.stages, w, h, params.upscale.out_width,
                                  params.upscale.out_height);
}

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
template <class Input>
Result<bool> Upscaler::Impl::device_front(const Input& in, int w, int h,
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
    r.pre_ms = ms_between(t0, t1);
    r.ai_ms = ms_between(t1, t2);
    return true;
}

// The whole frame on the device, one step after the other. False (nothing written to out) when
// the model left the device during the frame: the caller runs the frame again on the host path.
template <class Input>
Result<bool> Upscaler::Impl::run_on_device(const Input& in, int w, int h, Image& out,
                                           const UpscaleControl& control, UpscaleReport& r) {
    auto front = device_front(in, w, h, control, r);
    KZ_TRY(front);
    if (!*front) return false;
    const auto t2 = Clock::now();
    if (r.ai_used && strength() > 0.0f) {
        KZ_TRY(vk_stages->hybrid_finish_device(strength(), out.view(), params));
    } else {
        KZ_TRY(vk_stages->hybrid_finish(ConstTensorView{}, strength(), out.view(), params));
    }
    r.post_ms = ms_between(t2, Clock::now());
    r.total_ms = r.pre_ms + r.ai_ms + r.post_ms;
    return true;
}

template <class Input>
Result<void> Upscaler::Impl::run_on_host(const Input& in, int /*w*/, int /*h*/, Image& out,
                                         const UpscaleControl& control, UpscaleReport& r,
                                         Clock::time_point t0) {
    KZ_TRY(begin(*stages, in, model_input.view(), params));
    const auto t1 = Clock::now();
    auto outcome = ai->run(std::as_const(model_input).view(), ai_output.view(), control, &r.tiles);
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

template <class Input>
Result<void> Upscaler::Impl::run(const Input& in, int w, int h, PixelFormat default_format,
                                 Image& out, const UpscaleControl& control, UpscaleReport* report) {
    if (!in_flight.empty()) {
        return make_error(Errc::invalid_argument,
                          "upscale: pipelined frames are in flight; collect them first");
    }
    const auto t0 = Clock::now();
    size_for(w, h);
    const int ow = params.upscale.out_width, oh = params.upscale.out_height;
    if (out.empty() || out.width() != ow || out.height() != oh) {
        auto img = Image::create(ow, oh, out.empty() ? default_format : out.format());
        KZ_TRY(img);
        out = std::move(*img);
    }
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
    if (device_path()) {
        auto done = run_on_device(in, w, h, out, control, r);
        KZ_TRY(done);
        if (*done) return {};
        r = UpscaleReport{};
    }
    return run_on_host(in, w, h, out, control, r, t0);
}

// The pipelined form (upscaler_pipelined.cpp) runs these for both input kinds.
template Result<bool> Upscaler::Impl::device_front(const ConstImageView&, int, int,
                                                   const UpscaleControl&, UpscaleReport&);
template Result<bool> Upscaler::Impl::device_front(const YuvView&, int, int, const UpscaleControl&,
                                                   UpscaleReport&);
template Result<void> Upscaler::Impl::run_on_host(const ConstImageView&, int, int, Image&,
                                                  const UpscaleControl&, UpscaleReport&,
                                                  Clock::time_point);
template Result<void> Upscaler::Impl::run_on_host(const YuvView&, int, int, Image&,
                                                  const UpscaleControl&, UpscaleReport&,
                                                  Clock::time_point);

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
