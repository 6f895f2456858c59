#include "pipeline/export/preview_processor.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace kizuna::pipeline {

Result<std::unique_ptr<PreviewProcessor>> PreviewProcessor::create(const Profile& profile,
                                                                   const PreviewOptions& options) {
    auto preview = Preview::create(profile, options);
    if (!preview) return std::move(preview).error();
    return std::unique_ptr<PreviewProcessor>(new PreviewProcessor(std::move(*preview)));
}

Result<void> PreviewProcessor::process(const DecodedFrame& in, Image& out,
                                       const FrameControl& /*control*/, FrameReport& report) {
    // RGBA8 for 8-bit sources, RGBA32F for deeper ones (the formats the sink's packers read).
    // Preview::process keeps a non-empty output's format, so the output is made in that format
    // before the first frame.
    const bool deep = in.is_yuv() ? in.yuv.bit_depth > 8 : in.rgba.format() != PixelFormat::rgba8;
    const PixelFormat format = deep ? PixelFormat::rgba32f : PixelFormat::rgba8;
    if (!out.empty() && out.format() != format) out = Image();
    if (out.empty()) {
        int w = 0, h = 0;
        preview_.output_size(in.width(), in.height(), w, h);
        auto made = Image::create(w, h, format);
        if (!made) return std::move(made).error();
        out = std::move(*made);
    }
    KZ_TRY(in.is_yuv() ? preview_.process(in.yuv, out) : preview_.process(in.rgba.view(), out));
    const PreviewTimings t = preview_.last_timings();
    report = FrameReport{};
    report.pre_ms = t.normalize_ms + t.reconstruct_ms;
    report.post_ms = std::max(0.0, t.total_ms - report.pre_ms);
    return {};
}

void PreviewProcessor::output_size(int in_width, int in_height, int& out_width,
                                   int& out_height) const {
    preview_.output_size(in_width, in_height, out_width, out_height);
}

std::string PreviewProcessor::describe() const {
    return fmt::format("shader-only, {} backend", preview_.backend_name());
}

}  // namespace kizuna::pipeline
