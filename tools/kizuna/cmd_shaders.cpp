// kizuna shaders --profile P -o FILE: the real-time preview as mpv user shaders.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "console.hpp"
#include "kizuna/log.hpp"
#include "kizuna/output_file.hpp"
#include "kizuna/parse_number.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/shaders.hpp"
#include "options.hpp"

namespace kizuna::cli {
namespace {

struct ShadersArgs {
    std::string output;
    std::string profile = "performance";
    NumberOption doublings;
    NumberOption history;
    std::vector<std::string> overrides;
};

int run_shaders(const ShadersArgs& a) {
    Console& console = Console::instance();
    auto profile = resolve_profile(a.profile);
    if (!profile) {
        console.error(profile.error().message);
        return 1;
    }
    if (auto r = apply_overrides(*profile, a.overrides); !r) {
        console.error(r.error().message);
        return 1;
    }
    MpvShaderOptions opts;
    auto doublings = int_option(a.doublings, 1, 8, 0);
    if (!doublings) {
        console.error(doublings.error().message);
        return 1;
    }
    opts.doublings = *doublings;
    if (a.history.given()) {
        auto size = parse_dimensions(a.history.text, 16, 16384, "--history");
        if (!size) {
            console.error(size.error().message);
            return 1;
        }
        opts.history_width = size->width;
        opts.history_height = size->height;
    }
    if (a.output == "-") {
        auto text = mpv_user_shaders(*profile, opts);
        if (!text) {
            console.error(text.error().message);
            return 1;
        }
        std::fwrite(text->data(), 1, text->size(), stdout);
        return std::fflush(stdout) == 0 ? 0 : 1;
    }
    std::vector<std::filesystem::path> inputs;
    if (std::filesystem::exists(a.profile)) inputs.emplace_back(a.profile);
    if (auto r = check_output_file(a.output, inputs); !r) {
        console.error(r.error().message);
        return 1;
    }
    if (auto r = write_mpv_user_shaders(a.output, *profile, opts); !r) {
        console.error(r.error().message);
        return 1;
    }
    log(LogLevel::info, "wrote " + a.output + " (profile " + profile->name +
                            "); play with: mpv --vo=gpu-next --glsl-shaders=" + a.output +
                            " VIDEO");
    if (profile->temporal.enabled) {
        log(LogLevel::info,
            "temporal stabilization is on: the file needs mpv --vo=gpu-next (or FFmpeg's "
            "libplacebo filter); for --vo=gpu add --set stages.temporal.enabled=false");
    }
    return 0;
}

}  // namespace

void register_shaders(CLI::App& app, Action& run) {
    auto a = std::make_shared<ShadersArgs>();
    auto* cmd = app.add_subcommand(
        "shaders", "Export the real-time preview as mpv user shaders (--glsl-shaders)");
    cmd->add_option("-o,--output", a->output, "Output GLSL file, or - for standard output")
        ->required();
    cmd->add_option("-p,--profile", a->profile, "Built-in profile name or JSON file")
        ->capture_default_str();
    add_number_option(cmd, "--doublings", a->doublings,
                      "x2 steps in the file, 1 to 8 (default: from the profile's output scale)");
    add_number_option(cmd, "--history", a->history,
                      "Temporal history size WIDTHxHEIGHT, 16 to 16384 each; larger frames are "
                      "not stabilized (default 3840x2160)");
    cmd->add_option("--set", a->overrides,
                    "Override a profile value, e.g. --set stages.enhance.saturation=1.2");
    cmd->callback([&run, a] { run = [a] { return run_shaders(*a); }; });
}

}  // namespace kizuna::cli
