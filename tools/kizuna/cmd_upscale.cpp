// kizuna upscale IN -o OUT: the shader-only preview path on a still image.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "console.hpp"
#include "kizuna/log.hpp"
#include "kizuna/media.hpp"
#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"
#include "options.hpp"

namespace kizuna::cli {
namespace {

struct UpscaleArgs {
    std::string input;
    std::string output;
    std::string profile = "performance";
    float scale = 0;
    std::string size;
    std::string backend = "auto";
    int threads = 0;
    std::vector<std::string> overrides;
};

bool is_writable_image_extension(const std::filesystem::path& p) {
    std::string ext = p.extension().string();
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".tif" || ext == ".tiff" ||
           ext == ".webp";
}

// Checks what can be checked before any pixel is processed, so a long run never fails at the end
// for a reason known at the start. Returns an error message, or "" when fine.
std::string check_output_path(const std::filesystem::path& in, const std::filesystem::path& out) {
    if (!is_writable_image_extension(out)) {
        return out.string() + ": unsupported output format \"" + out.extension().string() +
               "\" (use .png, .jpg, .tif or .webp)";
    }
    std::error_code ec;
    if (std::filesystem::is_directory(out, ec)) return out.string() + ": is a directory";
    if (std::filesystem::exists(in, ec) && std::filesystem::equivalent(in, out, ec)) {
        return out.string() + ": output would overwrite the input";
    }
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

int run_upscale(const UpscaleArgs& a) {
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
    PreviewOptions opts;
    auto backend = parse_preview_backend(a.backend);
    if (!backend) {
        console.error("--backend: \"" + a.backend +
                      "\" is not one of auto, cpu, vulkan, reference");
        return 1;
    }
    opts.backend = *backend;
    opts.threads = a.threads;
    opts.scale = a.scale;
    if (!a.size.empty()) {
        auto size = parse_size(a.size);
        if (!size) {
            console.error("--size: \"" + a.size + "\" is not WIDTHxHEIGHT, e.g. 3840x2160");
            return 1;
        }
        opts.width = size->width;
        opts.height = size->height;
    }
    if (auto msg = check_output_path(a.input, a.output); !msg.empty()) {
        console.error(msg);
        return 1;
    }

    auto input = read_image(a.input);
    if (!input) {
        console.error(input.error().message);
        return 1;
    }
    auto preview = Preview::create(*profile, opts);
    if (!preview) {
        console.error(preview.error().message);
        return 1;
    }
    int ow = 0, oh = 0;
    preview->output_size(input->width(), input->height(), ow, oh);
    log(LogLevel::info, a.input + ": " + std::to_string(input->width()) + "x" +
                            std::to_string(input->height()) + " -> " + std::to_string(ow) + "x" +
                            std::to_string(oh) + ", profile " + profile->name + ", backend " +
                            std::string(preview->backend_name()));

    Image out;
    const auto t0 = std::chrono::steady_clock::now();
    if (auto r = preview->process(input->view(), out); !r) {
        console.error(a.input + ": " + r.error().message);
        return 1;
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

    ImageWriteOptions wopts;
    wopts.bit_depth = profile->output.image_bit_depth;
    if (auto r = write_image(a.output, out.view(), wopts); !r) {
        console.error(r.error().message);
        return 1;
    }
    log(LogLevel::info, "wrote " + a.output + " (" + std::to_string(ow) + "x" + std::to_string(oh) +
                            ", " + std::to_string(static_cast<int>(ms + 0.5)) + " ms)");
    return 0;
}

}  // namespace

void register_upscale(CLI::App& app, Action& run) {
    auto a = std::make_shared<UpscaleArgs>();
    auto* cmd =
        app.add_subcommand("upscale", "Upscale a still image with the real-time shader path");
    cmd->add_option("input", a->input, "Input image (PNG, JPEG, WebP, TIFF, BMP, ...)")->required();
    cmd->add_option("-o,--output", a->output, "Output image (.png, .jpg, .tif, .webp)")->required();
    cmd->add_option("-p,--profile", a->profile, "Built-in profile name or JSON file")
        ->capture_default_str();
    auto* scale = cmd->add_option("-s,--scale", a->scale, "Scale factor, e.g. 2, 3 or 4 (1 to 8)");
    cmd->add_option("--size", a->size, "Exact output size WIDTHxHEIGHT")->excludes(scale);
    cmd->add_option("-b,--backend", a->backend, "auto, cpu, vulkan or reference")
        ->capture_default_str();
    cmd->add_option("-j,--threads", a->threads, "CPU threads (0 = all)")->capture_default_str();
    cmd->add_option("--set", a->overrides,
                    "Override a profile value, e.g. --set stages.enhance.saturation=1.2");
    cmd->callback([&run, a] { run = [a] { return run_upscale(*a); }; });
}

}  // namespace kizuna::cli
