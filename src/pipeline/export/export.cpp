// The public export API (kizuna/export.hpp): output kinds, progress JSON, summary lines, and
// export_video over the job with the production processor factory.
#include "kizuna/export.hpp"

#include <cmath>

#include <fmt/format.h>

#include "media/output_target.hpp"
#include "pipeline/export/export_job.hpp"
#include "pipeline/export/watchdog.hpp"

namespace kizuna {

ExportOutputKind export_output_kind(const std::filesystem::path& output) {
    switch (media::classify_output(output).form) {
        case media::OutputTarget::Form::video:
            return ExportOutputKind::video;
        case media::OutputTarget::Form::sequence:
            return ExportOutputKind::image_sequence;
        case media::OutputTarget::Form::image:
            return ExportOutputKind::image;
        case media::OutputTarget::Form::unknown:
            break;
    }
    return ExportOutputKind::unknown;
}

std::filesystem::path export_partial_path(const std::filesystem::path& output) {
    std::filesystem::path p = output;
    p.replace_filename(output.stem().string() + ".partial" + output.extension().string());
    return p;
}

const char* export_state_name(ExportProgress::State state) noexcept {
    switch (state) {
        case ExportProgress::State::running:
            return "running";
        case ExportProgress::State::finishing:
            return "finishing";
        case ExportProgress::State::done:
            return "done";
        case ExportProgress::State::cancelled:
            return "cancelled";
        case ExportProgress::State::failed:
            return "failed";
    }
    return "unknown";
}

namespace {

// A finite number with up to 3 decimals, or null.
std::string json_number(double v, bool known = true) {
    if (!known || !std::isfinite(v)) return "null";
    return fmt::format("{:.3f}", v);
}

}  // namespace

std::string export_progress_json(const ExportProgress& p) {
    const bool total = p.frames_total > 0;
    const double percent =
        total ? 100.0 * static_cast<double>(p.frames_done) / static_cast<double>(p.frames_total)
              : 0.0;
    return fmt::format(
        "{{\"state\":\"{}\",\"frames_done\":{},\"frames_total\":{},\"percent\":{},\"fps\":{},"
        "\"eta_s\":{},\"elapsed_s\":{},\"busy_s\":{{\"decode\":{},\"pre\":{},\"ai\":{},"
        "\"post\":{},\"encode\":{}}},\"ai_fallback_frames\":{},\"ai_disabled\":{}}}",
        export_state_name(p.state), p.frames_done, total ? std::to_string(p.frames_total) : "null",
        json_number(percent, total), json_number(p.fps), json_number(p.eta_s, p.eta_s >= 0),
        json_number(p.elapsed_s), json_number(p.busy.decode_s), json_number(p.busy.pre_s),
        json_number(p.busy.ai_s), json_number(p.busy.post_s), json_number(p.busy.encode_s),
        p.ai_fallback_frames, p.ai_disabled ? "true" : "false");
}

std::vector<std::string> export_summary_lines(const ExportSummary& s) {
    std::vector<std::string> lines;
    lines.push_back(fmt::format("wrote {}: {} frames, {:.3f} s, {}x{} -> {}x{}{}",
                                s.output.string(), s.frames, s.duration_s, s.in_width, s.in_height,
                                s.out_width, s.out_height, s.verified ? ", verified" : ""));
    lines.push_back("video: " + s.video);
    lines.push_back("processing: " + s.processor);
    for (const ExportStreamReport& r : s.streams) {
        lines.push_back(fmt::format("{}: {} ({} {})", r.description, r.action, r.packets,
                                    r.action == "re-encoded" ? "frames" : "packets"));
    }
    const double total = s.busy.total();
    const auto share = [&](double v) { return total > 0 ? 100.0 * v / total : 0.0; };
    lines.push_back(fmt::format(
        "time: {} wall, {:.1f} fps, {:.0f}% of {} cores busy; busy time decode {:.0f}%, pre "
        "{:.0f}%, ai {:.0f}%, post {:.0f}%, encode {:.0f}%",
        pipeline::format_seconds(s.wall_s),
        s.wall_s > 0 ? static_cast<double>(s.frames) / s.wall_s : 0.0,
        s.wall_s > 0 && s.threads > 0 ? 100.0 * s.cpu_s / (s.wall_s * s.threads) : 0.0, s.threads,
        share(s.busy.decode_s), share(s.busy.pre_s), share(s.busy.ai_s), share(s.busy.post_s),
        share(s.busy.encode_s)));
    if (s.ai_frames > 0 || s.ai_fallbacks > 0 || s.ai_timeouts > 0) {
        lines.push_back(fmt::format(
            "AI: {} frames upscaled by the model, {} shader-only fallbacks, {} over the "
            "watchdog's limit{}",
            s.ai_frames, s.ai_fallbacks, s.ai_timeouts,
            s.ai_disabled ? "; turned off for the rest of the job" : ""));
    }
    if (!s.ai_note.empty()) lines.push_back("AI: " + s.ai_note);
    for (const std::string& n : s.notices) lines.push_back("notice: " + n);
    return lines;
}

Result<ExportSummary> export_video(const std::filesystem::path& input,
                                   const std::filesystem::path& output,
                                   const ExportOptions& options) {
    return pipeline::run_export(input, output, options, pipeline::make_frame_processor);
}

}  // namespace kizuna
