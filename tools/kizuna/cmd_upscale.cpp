// kizuna upscale IN -o OUT: a still image through the hybrid chain (still_upscale.cpp), or a
// video exported (export_run.cpp). The input's content and the output's name decide which:
//   still  -> image                      the hybrid chain (kizuna::Upscaler)
//   video  -> video file / image sequence the export
//   video  -> image with --at TIME        the hybrid chain on the frame shown at TIME
// Several inputs or a folder are a batch into the folder -o (batch.cpp).
#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include <fmt/format.h>

#include "batch.hpp"
#include "commands.hpp"
#include "console.hpp"
#include "kizuna/export.hpp"
#include "kizuna/media.hpp"
#include "kizuna/parse_number.hpp"
#include "kizuna/profile.hpp"
#include "options.hpp"
#include "still_upscale.hpp"
#include "upscale_args.hpp"

namespace kizuna::cli {

namespace fs = std::filesystem;

int fail(const Error& e) {
    Console::instance().error(e.message);
    return 1;
}

namespace {

int run_upscale_still(const UpscaleArgs& a, bool video_frame) {
    auto still = StillUpscaler::create(a);
    if (!still) return fail(still.error());
    auto r = still->run(a.input, a.output, video_frame);
    if (!r) {
        fail(r.error());
        return r.error().code == Errc::cancelled && still->signal() ? 128 + still->signal() : 1;
    }
    return 0;
}

int run_upscale(UpscaleArgs& a) {
    if (is_batch(a.inputs, a.output)) return run_batch(a);
    a.input = a.inputs.front();
    const bool at_given = a.at_option && a.at_option->count() > 0;
    auto kind = probe_media_kind(a.input);
    if (!kind) return fail(kind.error());
    const ExportOutputKind out = export_output_kind(a.output);
    if (*kind == MediaKind::still) {
        if (out == ExportOutputKind::video || out == ExportOutputKind::image_sequence) {
            return fail(make_error(Errc::invalid_argument,
                                   fmt::format("{}: a still image upscales to an image (.png, "
                                               ".jpg, .tif, .webp), not to {}",
                                               a.input, a.output)));
        }
        if (at_given) {
            return fail(make_error(Errc::invalid_argument,
                                   fmt::format("--at: {} is a still image, not a video", a.input)));
        }
        return run_upscale_still(a, false);
    }
    switch (out) {
        case ExportOutputKind::image:
            if (!at_given) {
                return fail(make_error(
                    Errc::invalid_argument,
                    fmt::format("{} is a video and {} a single image: export every frame to a "
                                "video (.mkv, .mp4, .webm, .mov) or an image sequence (e.g. "
                                "frames/%06d.png), or pick one frame with --at TIME",
                                a.input, a.output)));
            }
            return run_upscale_still(a, true);
        case ExportOutputKind::video:
        case ExportOutputKind::image_sequence:
            if (at_given) {
                return fail(make_error(Errc::invalid_argument,
                                       "--at picks one frame for a single image output; a video "
                                       "or image sequence output takes every frame"));
            }
            return run_video_export(a);
        case ExportOutputKind::unknown:
            break;
    }
    return fail(make_error(Errc::unsupported,
                           fmt::format("{}: not a video name (.mkv, .mp4, .webm, .mov), an image "
                                       "sequence pattern (e.g. frames/%06d.png) or an image "
                                       "(.png, .jpg, .tif, .webp)",
                                       a.output)));
}

}  // namespace

void register_upscale(CLI::App& app, Action& run) {
    auto a = std::make_shared<UpscaleArgs>();
    auto* cmd = app.add_subcommand(
        "upscale",
        "Upscale a still image, or export a video (every other stream copied), with the "
        "profile's chain");
    cmd->add_option("inputs", a->inputs,
                    "Input image (PNG, JPEG, WebP, TIFF, ...) or video; several inputs or a "
                    "folder make a batch into the folder -o")
        ->required();
    cmd->add_option("-o,--output", a->output,
                    "Output: an image (.png, .jpg, .tif, .webp), a video (.mkv, .mp4, .webm, "
                    ".mov), an image sequence (e.g. frames/%06d.png), or for a batch a folder")
        ->required();
    add_chain_options(cmd, *a,
                      "Override a profile value, e.g. --set stages.enhance.saturation=1.2");
    add_job_limit_options(cmd, a->limits, /*with_strict=*/true);
    add_ai_flags(cmd, a->ai);
    a->at_option = cmd->add_option("--at", a->at,
                                   "Video to a single image: the time of the frame, seconds or "
                                   "[HH:]MM:SS[.frac]");
    auto* video = "Video export";
    cmd->add_option("--bitrate", a->bitrate,
                    "Average video bit rate, e.g. 8M or 2500k (default: constant quality, "
                    "output.crf)")
        ->group(video);
    cmd->add_option("--encoder-opt", a->encoder_options,
                    "Pass an option to the video encoder as it is, KEY=VALUE (repeatable), e.g. "
                    "tune=animation")
        ->group(video);
    cmd->add_option("--audio-codec", a->audio_codec,
                    "Re-encode every audio stream with this FFmpeg encoder (aac, libopus, flac, "
                    "...); default: copy")
        ->group(video);
    cmd->add_option("--audio-bitrate", a->audio_bitrate, "Bit rate for --audio-codec, e.g. 192k")
        ->group(video);
    add_number_option(cmd, "--queue-frames", a->queue_frames,
                      "Frames queued before and after processing (2 to 256, default 8; fewer "
                      "when they would take more than a quarter of the memory budget)")
        ->group(video);
    add_number_option(cmd, "--parallel-frames", a->parallel_frames,
                      "Frames processed at once when temporal stabilization is off (0 = auto, "
                      "up to 64)")
        ->group(video);
    add_number_option(cmd, "--ai-frame-limit", a->ai_frame_limit,
                      "Seconds of AI inference a frame may take before it gets the shader-only "
                      "result (default 30; 5 in a row turn AI off)")
        ->group(video);
    cmd->add_option("--progress", a->progress,
                    "line (a live line), json (one JSON object per update on stderr) or none")
        ->capture_default_str()
        ->group(video);
    cmd->add_option("--progress-file", a->progress_file,
                    "Also write each progress update as a JSON line to this file")
        ->group(video);
    cmd->add_option("--on-interrupt", a->on_interrupt,
                    "On Ctrl-C or SIGTERM: keep (finish a playable NAME.partial.EXT) or remove")
        ->capture_default_str()
        ->group(video);
    cmd->add_flag("--no-verify", a->no_verify,
                  "Skip reading the output back (frame count, duration, packet counts)")
        ->group(video);
    cmd->callback([&run, a] { run = [a] { return run_upscale(*a); }; });
}

}  // namespace kizuna::cli
