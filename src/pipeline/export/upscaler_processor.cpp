#include "pipeline/export/upscaler_processor.hpp"

#include <fmt/format.h>

namespace kizuna::pipeline {

Result<std::unique_ptr<UpscalerProcessor>> UpscalerProcessor::create(
    const Profile& profile, const UpscalerOptions& options) {
    auto upscaler = Upscaler::create(profile, options);
    if (!upscaler) return std::move(upscaler).error();
    return std::unique_ptr<UpscalerProcessor>(new UpscalerProcessor(std::move(*upscaler)));
}

Result<void> UpscalerProcessor::process(const DecodedFrame& in, Image& out,
                                        const FrameControl& control, FrameReport& report) {
    if (!control.ai_allowed && !ai_turned_off_) {
        upscaler_.disable_ai("the export's watchdog turned the AI off");
        ai_turned_off_ = true;
    }
    UpscaleControl uc;
    uc.cancel = control.cancel;
    uc.deadline = control.deadline;
    int tiles_done = 0, tiles_total = 0;
    uc.on_progress = [&](const TileProgress& p) {
        tiles_done = p.tiles_done;
        tiles_total = p.tiles_total;
    };
    // RGBA8 for 8-bit sources, RGBA32F for deeper ones (the sink's packers read either); the
    // Upscaler allocates an empty output in that format and keeps a non-empty one's.
    const bool deep = in.is_yuv() ? in.yuv.bit_depth > 8 : in.rgba.format() != PixelFormat::rgba8;
    if (!out.empty() && out.format() != (deep ? PixelFormat::rgba32f : PixelFormat::rgba8)) {
        out = Image();
    }
    UpscaleReport r;
    Result<void> done = in.is_yuv() ? upscaler_.process(in.yuv, out, uc, &r)
                                    : upscaler_.process(in.rgba.view(), out, uc, &r);
    if (!done) return done;
    report = FrameReport{};
    report.ai_used = r.ai_used;
    report.ai_timed_out = r.ai_timed_out;
    if (r.ai_timed_out && tiles_total > 0 && tiles_done > 0) {
        report.ai_done_fraction = static_cast<double>(tiles_done) / tiles_total;
    }
    report.fallback_reason = r.ai_used ? std::string() : r.ai_note;
    report.pre_ms = r.pre_ms;
    report.ai_ms = r.ai_ms;
    report.post_ms = r.post_ms;
    return {};
}

void UpscalerProcessor::output_size(int in_width, int in_height, int& out_width,
                                    int& out_height) const {
    upscaler_.output_size(in_width, in_height, out_width, out_height);
}

std::string UpscalerProcessor::describe() const {
    if (!upscaler_.ai_active()) {
        return fmt::format("shader-only ({} is not running), {} backend", upscaler_.ai_model(),
                           upscaler_.stage_backend());
    }
    return fmt::format("hybrid: {} on {} ({}), stages on {}", upscaler_.ai_model(),
                       upscaler_.ai_backend(), upscaler_.ai_precision(), upscaler_.stage_backend());
}

}  // namespace kizuna::pipeline
