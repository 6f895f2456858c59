// kizuna upscale VIDEO -o OUT.mkv | frames/%06d.png: the video export.
#include <CLI/CLI.hpp>

#include <memory>

#include <fmt/format.h>

#include "console.hpp"
#include "interrupt.hpp"
#include "kizuna/export.hpp"
#include "kizuna/log.hpp"
#include "progress_view.hpp"
#include "upscale_args.hpp"

namespace kizuna::cli {

namespace {

Result<ExportOptions> export_options(const UpscaleArgs& a) {
    ExportOptions o;
    auto profile = upscale_profile(a);
    if (!profile) return std::move(profile).error();
    o.profile = std::move(*profile);
    auto preview = upscale_preview_options(a);
    if (!preview) return std::move(preview).error();
    o.preview = *preview;
    if (!a.bitrate.empty()) {
        auto b = parse_bit_rate(a.bitrate, 10'000, 2'000'000'000, "--bitrate");
        if (!b) return std::move(b).error();
        o.video_bitrate = *b;
    }
    o.encoder_options = a.encoder_options;
    o.audio_codec = a.audio_codec;
    if (!a.audio_bitrate.empty()) {
        if (a.audio_codec.empty()) {
            return make_error(Errc::invalid_argument,
                              "--audio-bitrate: audio is copied unless --audio-codec is given");
        }
        auto b = parse_bit_rate(a.audio_bitrate, 1'000, 10'000'000, "--audio-bitrate");
        if (!b) return std::move(b).error();
        o.audio_bitrate = *b;
    }
    KZ_TRY(store_int_option(a.queue_frames, 2, 256, ExportOptions::default_queue_frames,
                            o.queue_frames));
    KZ_TRY(store_int_option(a.parallel_frames, 0, 64, 0, o.parallel_frames));
    KZ_TRY(store_decimal_option(a.ai_frame_limit, 0.001, 86400, 30.0, o.ai_frame_limit_s));
    if (a.on_interrupt == "keep") {
        o.on_interrupt = InterruptAction::keep_partial;
    } else if (a.on_interrupt == "remove") {
        o.on_interrupt = InterruptAction::remove;
    } else {
        return make_error(Errc::invalid_argument,
                          "--on-interrupt: \"" + a.on_interrupt + "\" is not keep or remove");
    }
    auto budget = budget_of(a.limits);
    if (!budget) return std::move(budget).error();
    o.budget = *budget;
    o.strict = a.limits.strict;
    o.require_ai = a.ai.require_ai;
    o.verify = !a.no_verify;
    return o;
}

Result<ProgressMode> progress_mode(const std::string& text) {
    if (text == "line") return ProgressMode::line;
    if (text == "json") return ProgressMode::json;
    if (text == "none") return ProgressMode::none;
    return make_error(Errc::invalid_argument,
                      "--progress: \"" + text + "\" is not one of line, json, none");
}

}  // namespace

int run_video_export(const UpscaleArgs& a) {
    auto opts = export_options(a);
    if (!opts) return fail(opts.error());
    auto mode = progress_mode(a.progress);
    if (!mode) return fail(mode.error());
    auto view = ProgressView::create(*mode, a.progress_file);
    if (!view) return fail(view.error());
    InterruptScope interrupt;
    opts->cancel = &interrupt.flag();
    ProgressView* v = view->get();
    opts->on_progress = [v](const ExportProgress& p) { v->update(p); };
    auto summary = export_video(a.input, a.output, *opts);
    v->finish();
    if (!summary) {
        Console::instance().error(summary.error().message);
        if (summary.error().code == Errc::cancelled) {
            return 128 + (interrupt.signal() ? interrupt.signal() : 2);
        }
        return 1;
    }
    for (const std::string& line : export_summary_lines(*summary)) log(LogLevel::info, line);
    return 0;
}

}  // namespace kizuna::cli
