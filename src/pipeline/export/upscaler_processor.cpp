#include "pipeline/export/upscaler_processor.hpp"

#include <fmt/format.h>

#include "core/logging.hpp"
#include "pipeline/hybrid/upscaler_access.hpp"

namespace kizuna::pipeline {

namespace {

// RGBA8 for 8-bit sources, RGBA32F for deeper ones (the sink's packers read either).
PixelFormat output_format(const DecodedFrame& in) {
    const bool deep = in.is_yuv() ? in.yuv.bit_depth > 8 : in.rgba.format() != PixelFormat::rgba8;
    return deep ? PixelFormat::rgba32f : PixelFormat::rgba8;
}

}  // namespace

Result<std::unique_ptr<UpscalerProcessor>> UpscalerProcessor::create(
    const Profile& profile, const UpscalerOptions& options) {
    auto upscaler = Upscaler::create(profile, options);
    if (!upscaler) return std::move(upscaler).error();
    std::unique_ptr<UpscalerProcessor> p(new UpscalerProcessor(std::move(*upscaler)));
    p->pipelined_ = pipelined_frames_allowed();
    if (!p->pipelined_ && UpscalerAccess::pipeline_depth(p->upscaler_) > 1)
        KZ_LOG_INFO("KIZUNA_PIPELINED_FRAMES=0: the hybrid chain runs one frame at a time");
    return p;
}

void UpscalerProcessor::follow_watchdog(const FrameControl& control) {
    if (!control.ai_allowed && !ai_turned_off_) {
        upscaler_.disable_ai("the export's watchdog turned the AI off");
        ai_turned_off_ = true;
    }
}

UpscaleControl UpscalerProcessor::upscale_control(const FrameControl& control, Tiles& tiles) {
    UpscaleControl uc;
    uc.cancel = control.cancel;
    uc.deadline = control.deadline;
    uc.on_progress = [&tiles](const TileProgress& p) {
        tiles.done = p.tiles_done;
        tiles.total = p.tiles_total;
    };
    return uc;
}

void UpscalerProcessor::make_report(const UpscaleReport& r, const Tiles& tiles,
                                    FrameReport& report) {
    report = FrameReport{};
    report.ai_used = r.ai_used;
    report.ai_timed_out = r.ai_timed_out;
    if (r.ai_timed_out && tiles.total > 0 && tiles.done > 0) {
        report.ai_done_fraction = static_cast<double>(tiles.done) / tiles.total;
    }
    report.fallback_reason = r.ai_used ? std::string() : r.ai_note;
    report.pre_ms = r.pre_ms;
    report.ai_ms = r.ai_ms;
    report.post_ms = r.post_ms;
}

Result<void> UpscalerProcessor::process(const DecodedFrame& in, Image& out,
                                        const FrameControl& control, FrameReport& report) {
    follow_watchdog(control);
    Tiles tiles;
    const UpscaleControl uc = upscale_control(control, tiles);
    // The Upscaler allocates an empty output in the input's format and keeps a non-empty one's.
    if (!out.empty() && out.format() != output_format(in)) out = Image();
    UpscaleReport r;
    Result<void> done = in.is_yuv() ? upscaler_.process(in.yuv, out, uc, &r)
                                    : upscaler_.process(in.rgba.view(), out, uc, &r);
    if (!done) return done;
    make_report(r, tiles, report);
    return {};
}

int UpscalerProcessor::pipeline_depth() const {
    return pipelined_ ? UpscalerAccess::pipeline_depth(upscaler_) : 1;
}

Result<void> UpscalerProcessor::submit(const DecodedFrame& in, const FrameControl& control) {
    if (pipeline_depth() < 2) return FrameProcessor::submit(in, control);
    follow_watchdog(control);
    Tiles tiles;
    const UpscaleControl uc = upscale_control(control, tiles);
    const PixelFormat format = output_format(in);
    KZ_TRY(in.is_yuv() ? UpscalerAccess::submit(upscaler_, in.yuv, format, uc)
                       : UpscalerAccess::submit(upscaler_, in.rgba.view(), format, uc));
    tiles_.push_back(tiles);
    return {};
}

Result<void> UpscalerProcessor::collect(Image& out, FrameReport& report) {
    if (tiles_.empty()) return FrameProcessor::collect(out, report);
    UpscaleReport r;
    Result<void> done = UpscalerAccess::collect(upscaler_, out, r);
    const Tiles tiles = tiles_.front();
    if (static_cast<size_t>(UpscalerAccess::in_flight(upscaler_)) < tiles_.size())
        tiles_.pop_front();
    if (!done) return done;
    make_report(r, tiles, report);
    return {};
}

bool UpscalerProcessor::submitted_report(FrameReport& report) const {
    if (tiles_.empty()) return false;
    make_report(UpscalerAccess::last_submitted(upscaler_), tiles_.back(), report);
    return true;
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
    return fmt::format("hybrid: {} on {} ({}), stages on {}{}", upscaler_.ai_model(),
                       upscaler_.ai_backend(), upscaler_.ai_precision(), upscaler_.stage_backend(),
                       pipeline_depth() > 1 ? ", 2 frames in flight" : "");
}

}  // namespace kizuna::pipeline
