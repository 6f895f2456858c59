// The pipelined form of the hybrid chain (upscaler_access.hpp).
#include "pipeline/hybrid/upscaler_access.hpp"

#include "core/logging.hpp"
#include "pipeline/hybrid/upscaler_impl.hpp"

namespace kizuna {

namespace {

using Clock = std::chrono::steady_clock;
using namespace hybrid_detail;

constexpr int kDepth = stages::vk::VkPreviewBackend::kFramesInFlight;

Result<void> ensure_image(Image& out, int width, int height, PixelFormat format) {
    if (!out.empty() && out.width() == width && out.height() == height && out.format() == format)
        return {};
    auto made = Image::create(width, height, format);
    KZ_TRY(made);
    out = std::move(*made);
    return {};
}

}  // namespace

template <class Input>
Result<void> Upscaler::Impl::submit(const Input& in, int w, int h, PixelFormat format,
                                    const UpscaleControl& control) {
    if (vk_stages == nullptr) {
        return make_error(Errc::unsupported,
                          "upscale: pipelined frames need the Vulkan stage backend");
    }
    if (static_cast<int>(in_flight.size()) >= kDepth) {
        return make_error(Errc::invalid_argument,
                          "upscale: two frames are in flight already; collect one first");
    }
    if (format != PixelFormat::rgba8 && format != PixelFormat::rgba32f) {
        return make_error(Errc::invalid_argument, "upscale: the output is RGBA8 or RGBA32F");
    }
    const auto t0 = Clock::now();
    size_for(w, h);
    InFlight f;
    f.width = params.upscale.out_width;
    f.height = params.upscale.out_height;
    f.format = format;
    UpscaleReport& r = f.report;
    if (!ai || !ai->active()) {
        KZ_TRY(submit_whole(*vk_stages, in, format, params));
        r.ai_note = ai && !ai->model_id().empty() ? "the model is not running" : "";
        r.post_ms = r.total_ms = ms_between(t0, Clock::now());
        in_flight.push_back(std::move(f));
        return {};
    }
    KZ_TRY(prepare_ai(w, h, f.width, f.height));
    if (device_path()) {
        auto front = device_front(in, w, h, control, r);
        KZ_TRY(front);
        if (*front) {
            const auto t2 = Clock::now();
            KZ_TRY(vk_stages->hybrid_submit_device(strength(), r.ai_used && strength() > 0.0f,
                                                   format, params));
            r.post_ms = ms_between(t2, Clock::now());
            r.total_ms = r.pre_ms + r.ai_ms + r.post_ms;
            in_flight.push_back(std::move(f));
            return {};
        }
        r = UpscaleReport{};
    }
    // Off the device: the whole frame now, held until the frames before it are collected.
    f.in_slot = false;
    KZ_TRY(ensure_image(f.ready, f.width, f.height, format));
    KZ_TRY(run_on_host(in, w, h, f.ready, control, r, t0));
    in_flight.push_back(std::move(f));
    return {};
}

namespace pipeline {

int UpscalerAccess::pipeline_depth(const Upscaler& upscaler) noexcept {
    const Upscaler::Impl& u = *upscaler.impl_;
    return u.vk_stages != nullptr && u.device_path() ? kDepth : 1;
}

int UpscalerAccess::in_flight(const Upscaler& upscaler) noexcept {
    return static_cast<int>(upscaler.impl_->in_flight.size());
}

Result<void> UpscalerAccess::submit(Upscaler& upscaler, ConstImageView in, PixelFormat format,
                                    const UpscaleControl& control) {
    if (in.empty() || !in.data)
        return make_error(Errc::invalid_argument, "upscale: the input image is empty");
    return upscaler.impl_->submit(in, in.width, in.height, format, control);
}

Result<void> UpscalerAccess::submit(Upscaler& upscaler, const YuvView& in, PixelFormat format,
                                    const UpscaleControl& control) {
    if (in.empty() || !in.y)
        return make_error(Errc::invalid_argument, "upscale: the input picture is empty");
    return upscaler.impl_->submit(in, in.width, in.height, format, control);
}

Result<void> UpscalerAccess::collect(Upscaler& upscaler, Image& out, UpscaleReport& report) {
    Upscaler::Impl& u = *upscaler.impl_;
    if (u.in_flight.empty())
        return make_error(Errc::invalid_argument, "upscale: no frame is in flight");
    const auto t0 = Clock::now();
    Upscaler::Impl::InFlight& f = u.in_flight.front();
    if (f.in_slot) {
        KZ_TRY(ensure_image(out, f.width, f.height, f.format));
    } else {
        out = std::move(f.ready);
    }
    Upscaler::Impl::InFlight done = std::move(f);
    u.in_flight.pop_front();
    if (done.in_slot) KZ_TRY(u.vk_stages->collect_frame(out.view()));
    const double ms = ms_between(t0, Clock::now());
    report = std::move(done.report);
    report.post_ms += ms;
    report.total_ms += ms;
    return {};
}

const UpscaleReport& UpscalerAccess::last_submitted(const Upscaler& upscaler) noexcept {
    return upscaler.impl_->in_flight.back().report;
}

}  // namespace pipeline

}  // namespace kizuna
