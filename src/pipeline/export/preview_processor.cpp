#include "pipeline/export/preview_processor.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/logging.hpp"
#include "pipeline/preview_params.hpp"
#include "pipeline/stage_backend.hpp"
#include "stages/vk/preview.hpp"

namespace kizuna::pipeline {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// out in the given size and format (reallocated only when it differs).
Result<void> ensure_output(Image& out, int width, int height, PixelFormat format) {
    if (!out.empty() && out.width() == width && out.height() == height && out.format() == format)
        return {};
    auto made = Image::create(width, height, format);
    if (!made) return std::move(made).error();
    out = std::move(*made);
    return {};
}

}  // namespace

Result<std::unique_ptr<PreviewProcessor>> PreviewProcessor::create(const Profile& profile,
                                                                   const PreviewOptions& options) {
    KZ_TRY(validate_profile(profile));
    KZ_TRY(validate_preview_options(options));
    std::unique_ptr<PreviewProcessor> p(new PreviewProcessor());
    p->profile_ = profile;
    p->options_ = options;
    p->params_ = preview_params_from_profile(profile);
    auto backend = make_stage_backend(options.backend, options.threads);
    if (!backend) return std::move(backend).error();
    p->backend_ = std::move(*backend);
    p->vk_ = dynamic_cast<stages::vk::VkPreviewBackend*>(p->backend_.get());
    if (p->vk_ != nullptr && !pipelined_frames_allowed()) {
        KZ_LOG_INFO("KIZUNA_PIPELINED_FRAMES=0: the Vulkan stages run one frame at a time");
        p->vk_ = nullptr;
    }
    return p;
}

// The Vulkan backend waits for frames still in flight when it is destroyed.
PreviewProcessor::~PreviewProcessor() = default;

Result<PixelFormat> PreviewProcessor::prepare(const DecodedFrame& in) {
    if (in.is_yuv() ? in.yuv.empty() : in.rgba.empty())
        return make_error(Errc::invalid_argument, "preview: the input picture is empty");
    const bool deep = in.is_yuv() ? in.yuv.bit_depth > 8 : in.rgba.format() != PixelFormat::rgba8;
    output_size(in.width(), in.height(), params_.upscale.out_width, params_.upscale.out_height);
    return deep ? PixelFormat::rgba32f : PixelFormat::rgba8;
}

void PreviewProcessor::make_report(const stages::StageTimings& t, double host_ms,
                                   FrameReport& report) {
    report = FrameReport{};
    report.pre_ms = t.normalize_ms + t.reconstruct_ms;
    report.post_ms = std::max(0.0, host_ms - report.pre_ms);
}

Result<void> PreviewProcessor::process(const DecodedFrame& in, Image& out,
                                       const FrameControl& /*control*/, FrameReport& report) {
    const auto t0 = Clock::now();
    auto format = prepare(in);
    KZ_TRY(format);
    KZ_TRY(ensure_output(out, params_.upscale.out_width, params_.upscale.out_height, *format));
    KZ_TRY(in.is_yuv() ? backend_->process_yuv(in.yuv, out.view(), params_)
                       : backend_->process(in.rgba.view(), out.view(), params_));
    make_report(backend_->last_timings(), ms_since(t0), report);
    return {};
}

int PreviewProcessor::pipeline_depth() const {
    return vk_ != nullptr ? stages::vk::VkPreviewBackend::kFramesInFlight : 1;
}

Result<void> PreviewProcessor::submit(const DecodedFrame& in, const FrameControl& /*control*/) {
    if (vk_ == nullptr) return FrameProcessor::submit(in, FrameControl{});
    const auto t0 = Clock::now();
    auto format = prepare(in);
    KZ_TRY(format);
    KZ_TRY(in.is_yuv() ? vk_->submit_frame_yuv(in.yuv, *format, params_)
                       : vk_->submit_frame(in.rgba.view(), *format, params_));
    pending_.push_back(
        {params_.upscale.out_width, params_.upscale.out_height, *format, ms_since(t0)});
    return {};
}

Result<void> PreviewProcessor::collect(Image& out, FrameReport& report) {
    if (vk_ == nullptr || pending_.empty()) return FrameProcessor::collect(out, report);
    const auto t0 = Clock::now();
    const Pending f = pending_.front();
    KZ_TRY(ensure_output(out, f.width, f.height, f.format));
    pending_.pop_front();
    KZ_TRY(vk_->collect_frame(out.view()));
    make_report(backend_->last_timings(), f.submit_ms + ms_since(t0), report);
    return {};
}

void PreviewProcessor::output_size(int in_width, int in_height, int& out_width,
                                   int& out_height) const {
    pipeline::preview_output_size(profile_, options_, in_width, in_height, out_width, out_height);
}

std::string PreviewProcessor::describe() const {
    return fmt::format("shader-only, {} backend{}", backend_->name(),
                       vk_ != nullptr ? ", 2 frames in flight" : "");
}

}  // namespace kizuna::pipeline
