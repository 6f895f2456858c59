// kizuna play FILE: a small player (SDL2) showing the real-time preview of a video, with the
// audio as master clock; while paused, `a` renders the frame with the hybrid AI chain for a
// comparison (play_session.cpp has the keys).
#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "kizuna/media.hpp"
#include "options.hpp"
#include "play_session.hpp"
#include "upscale_args.hpp"

namespace kizuna::cli {

namespace {

namespace fs = std::filesystem;

struct PlayArgs {
    // Input, profile, --scale/--size, --backend, --threads, --set and the AI flags, as
    // `kizuna upscale` takes them.
    UpscaleArgs chain;
    std::string compare_at;
    CLI::Option* compare_at_option = nullptr;
    std::string save_dir = ".";
    bool no_audio = false;
    std::string display = "auto";
};

int run_play(const PlayArgs& a) {
    const UpscaleArgs& c = a.chain;
    PlaySettings s;
    s.input = c.input;
    auto opts = upscale_preview_options(c);
    if (!opts) return fail(opts.error());
    s.preview = *opts;
    auto profile = upscale_profile(c);
    if (!profile) return fail(profile.error());
    s.profile = *profile;
    s.require_ai = c.ai.require_ai;
    if (a.compare_at_option != nullptr && a.compare_at_option->count() > 0) {
        auto t = parse_time_option(a.compare_at, "--compare-at");
        if (!t) return fail(t.error());
        s.compare_at = *t;
    }
    std::error_code ec;
    if (!fs::is_directory(a.save_dir, ec)) {
        return fail(make_error(Errc::invalid_argument,
                               fmt::format("--save-dir: {} is not a folder", a.save_dir)));
    }
    s.save_dir = a.save_dir;
    s.no_audio = a.no_audio;
    if (a.display == "auto") {
        s.display = DisplayMode::auto_select;
    } else if (a.display == "vulkan") {
        s.display = DisplayMode::vulkan;
    } else if (a.display == "texture") {
        s.display = DisplayMode::texture;
    } else {
        return fail(
            make_error(Errc::invalid_argument,
                       fmt::format("--display {}: use auto, vulkan or texture", a.display)));
    }
    auto kind = probe_media_kind(s.input);
    if (!kind) return fail(kind.error());
    if (*kind != MediaKind::video) {
        return fail(make_error(Errc::invalid_argument,
                               fmt::format("{}: a still image, not a video (kizuna upscale "
                                           "upscales it)",
                                           c.input)));
    }
    return run_player(s);
}

}  // namespace

void register_play(CLI::App& app, Action& run) {
    auto a = std::make_shared<PlayArgs>();
    UpscaleArgs& c = a->chain;
    auto* cmd = app.add_subcommand(
        "play",
        "Play a video with the real-time preview in a window; pause and press a for the AI "
        "(keys: space pause, a AI, c compare, [ ] divider, s save PNG, o overlay, arrows seek, "
        "f full screen, q quit)");
    cmd->add_option("input", c.input, "Video file")->required();
    add_chain_options(cmd, c, "Override a profile value, e.g. --set stages.enhance.saturation=1.2");
    add_ai_flags(cmd, c.ai);
    a->compare_at_option = cmd->add_option(
        "--compare-at", a->compare_at,
        "Open paused on the frame shown at this time (seconds or [HH:]MM:SS[.frac])");
    cmd->add_option("--save-dir", a->save_dir, "Folder where s saves the view as PNG")
        ->capture_default_str();
    cmd->add_flag("--no-audio", a->no_audio, "Play without sound (video on the wall clock)");
    cmd->add_option("--display", a->display,
                    "How frames reach the window: auto (a Vulkan swapchain when the stages run "
                    "on a real GPU, else an SDL texture), vulkan (the swapchain on any Vulkan "
                    "device, lavapipe included) or texture")
        ->capture_default_str();
    cmd->callback([&run, a] { run = [a] { return run_play(*a); }; });
}

}  // namespace kizuna::cli
