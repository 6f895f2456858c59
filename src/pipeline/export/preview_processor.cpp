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
    if (in.is_yuv()) {
        return make_error(Errc::internal,
                          "export: the shader-only processor was handed Y'CbCr planes");
    }
    // Preview::process keeps out's format; a new output takes the input's (RGBA8 or RGBA32F).
    if (!out.empty() && out.format() != in.rgba.format()) out = Image();
    KZ_TRY(preview_.process(in.rgba.view(), out));
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
