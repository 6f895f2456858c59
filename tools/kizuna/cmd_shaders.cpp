// kizuna shaders --profile P -o FILE: the real-time preview as mpv user shaders.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "console.hpp"
#include "kizuna/log.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/shaders.hpp"
#include "options.hpp"

namespace kizuna::cli {
namespace {

struct ShadersArgs {
    std::string output;
    std::string profile = "performance";
    int doublings = 0;
    std::string history;
    std::vector<std::string> overrides;
};

// Checks the destination before anything is generated. Returns an error message, or "" when
// fine.
std::string check_output_path(const std::filesystem::path& out) {
    std::error_code ec;
    if (!out.has_filename()) return out.string() + ": not a file name";
    if (std::filesystem::is_directory(out, ec)) return out.string() + ": is a directory";
    const auto dir = out.has_parent_path() ? out.parent_path() : std::filesystem::path(".");
    if (!std::filesystem::is_directory(dir, ec)) {
        return out.string() + ": output folder " + dir.string() + " does not exist";
    }
    // Create (and remove) a file there: permission bits alone say nothing for root, a read-only
    // mount or a pseudo filesystem.
    std::string probe = (dir / ".kizuna-write-check-XXXXXX").string();
    const int fd = ::mkstemp(probe.data());
    if (fd < 0) {
        return out.string() + ": output folder " + dir.string() + " is not writable (" +
               std::strerror(errno) + ")";
    }
    ::close(fd);
    ::unlink(probe.c_str());
    return {};
}

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
    opts.doublings = a.doublings;
    if (!a.history.empty()) {
        auto size = parse_size(a.history);
        if (!size) {
            console.error("--history: \"" + a.history + "\" is not WIDTHxHEIGHT, e.g. 3840x2160");
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
    if (auto msg = check_output_path(a.output); !msg.empty()) {
        console.error(msg);
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
    cmd->add_option("--doublings", a->doublings,
                    "x2 steps in the file, 1 to 8 (default: from the profile's output scale)")
        ->check(CLI::Range(1, 8));
    cmd->add_option("--history", a->history,
                    "Temporal history size WIDTHxHEIGHT; larger frames are not stabilized "
                    "(default 3840x2160)");
    cmd->add_option("--set", a->overrides,
                    "Override a profile value, e.g. --set stages.enhance.saturation=1.2");
    cmd->callback([&run, a] { run = [a] { return run_shaders(*a); }; });
}

}  // namespace kizuna::cli
