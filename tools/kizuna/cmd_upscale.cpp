// kizuna upscale IN -o OUT: the shader-only preview path on a still image.
#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "console.hpp"
#include "job_limits.hpp"
#include "kizuna/job_memory.hpp"
#include "kizuna/log.hpp"
#include "kizuna/media.hpp"
#include "kizuna/parse_number.hpp"
#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"
#include "options.hpp"
#include "still_loss.hpp"

namespace kizuna::cli {
namespace {

namespace fs = std::filesystem;

struct UpscaleArgs {
    std::string input;
    std::string output;
    std::string profile = "performance";
    NumberOption scale;
    NumberOption size;
    std::string backend = "auto";
    NumberOption threads;
    std::vector<std::string> overrides;
    JobLimits limits;
};

int fail(const Error& e) {
    Console::instance().error(e.message);
    return 1;
}

// The options as PreviewOptions, every number checked.
Result<PreviewOptions> preview_options(const UpscaleArgs& a) {
    PreviewOptions opts;
    auto backend = parse_preview_backend(a.backend);
    if (!backend) {
        return make_error(
            Errc::invalid_argument,
            "--backend: \"" + a.backend + "\" is not one of auto, cpu, vulkan, reference");
    }
    opts.backend = *backend;
    auto threads = int_option(a.threads, 0, 256, 0);
    if (!threads) return std::move(threads).error();
    opts.threads = *threads;
    auto scale = decimal_option(a.scale, 1, 8, 0);
    if (!scale) return std::move(scale).error();
    opts.scale = static_cast<float>(*scale);
    if (a.size.given()) {
        auto size = parse_dimensions(a.size.text, 16, 16384, "--size");
        if (!size) return std::move(size).error();
        opts.width = size->width;
        opts.height = size->height;
    }
    return opts;
}

int run_upscale(const UpscaleArgs& a) {
    auto opts = preview_options(a);
    if (!opts) return fail(opts.error());
    auto budget = budget_of(a.limits);
    if (!budget) return fail(budget.error());
    auto profile = resolve_profile(a.profile);
    if (!profile) return fail(profile.error());
    if (auto r = apply_overrides(*profile, a.overrides); !r) return fail(r.error());

    // Everything that can be checked before any pixel is read: a long run never fails at its end
    // for a reason known at its start, and never writes over one of its inputs (the profile file
    // included).
    std::vector<fs::path> inputs{a.input};
    if (builtin_profile_json(a.profile).empty()) inputs.emplace_back(a.profile);
    if (auto r = check_image_output(a.output, inputs); !r) return fail(r.error());
    auto caps = image_output_capabilities(a.output);
    if (!caps) return fail(caps.error());
    ImageWriteOptions wopts;
    wopts.bit_depth = profile->output.image_bit_depth;
    if (auto r = check_requested_depth(a.limits, a.output, *caps, wopts, "output.image_bit_depth");
        !r) {
        return fail(r.error());
    }

    // The budget is checked from the header, before the decoder allocates the picture.
    const PreviewBackendKind backend = preview_backend_for(opts->backend);
    ImageReadOptions ropts;
    ropts.admit = [&](const ImageHeader& h) -> Result<void> {
        PreviewJob job;
        job.in_width = h.width;
        job.in_height = h.height;
        job.in_format = read_image_format(h);
        job.alpha = h.alpha;
        preview_output_size(*profile, *opts, h.width, h.height, job.out_width, job.out_height);
        job.backend = backend;
        job.upscale_stage = profile->upscale.enabled;
        job.temporal = profile->temporal.enabled;
        if (job.out_width > Image::max_side || job.out_height > Image::max_side) {
            return make_error(Errc::invalid_argument,
                              fmt::format("{}: the output would be {}x{}, more than {} pixels a "
                                          "side; use a smaller --scale or --size",
                                          a.input, job.out_width, job.out_height, Image::max_side));
        }
        const uint64_t need = estimate_still_preview_bytes(h, job, wopts, a.output);
        log(LogLevel::debug, fmt::format("memory: this job needs about {} ({} bytes); the budget "
                                         "is {}",
                                         format_bytes(need), need, budget->describe()));
        return budget->check(need,
                             fmt::format("{}: upscaling this {}x{} {} to {}x{}", a.input, h.width,
                                         h.height, h.codec, job.out_width, job.out_height),
                             over_budget_hint(need, "a smaller input, --scale or --size"));
    };
    ImageReadInfo info;
    auto input = read_image(a.input, ropts, &info);
    if (!input) return fail(input.error());
    if (auto r = check_still_losses(a.limits, a.input, info, input->view(), a.output, *caps,
                                    /*job_keeps_alpha=*/true, wopts,
                                    caps->max_bit_depth >= 16
                                        ? "--set output.image_bit_depth=16 keeps them"
                                        : "write .png or .tif with --set "
                                          "output.image_bit_depth=16 to keep them");
        !r) {
        return fail(r.error());
    }

    auto preview = Preview::create(*profile, *opts);
    if (!preview) return fail(preview.error());
    int ow = 0, oh = 0;
    preview->output_size(input->width(), input->height(), ow, oh);
    log(LogLevel::info,
        fmt::format("{}: {}x{} -> {}x{}, profile {}, backend {}", a.input, input->width(),
                    input->height(), ow, oh, profile->name, preview->backend_name()));

    Image out;
    const auto t0 = std::chrono::steady_clock::now();
    if (auto r = preview->process(input->view(), out); !r) {
        return fail(make_error(r.error().code, a.input + ": " + r.error().message));
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (auto r = write_image(a.output, out.view(), wopts); !r) return fail(r.error());
    log(LogLevel::info,
        fmt::format("wrote {} ({}x{}, {} ms)", a.output, ow, oh, static_cast<int>(ms + 0.5)));
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
    auto* scale =
        add_number_option(cmd, "-s,--scale", a->scale, "Scale factor, e.g. 2, 3 or 4 (1 to 8)");
    add_number_option(cmd, "--size", a->size, "Exact output size WIDTHxHEIGHT (16 to 16384 each)")
        ->excludes(scale);
    cmd->add_option("-b,--backend", a->backend, "auto, cpu, vulkan or reference")
        ->capture_default_str();
    add_number_option(cmd, "-j,--threads", a->threads, "CPU threads (0 = all, up to 256)");
    cmd->add_option("--set", a->overrides,
                    "Override a profile value, e.g. --set stages.enhance.saturation=1.2");
    add_job_limit_options(cmd, a->limits, /*with_strict=*/true);
    cmd->callback([&run, a] { run = [a] { return run_upscale(*a); }; });
}

}  // namespace kizuna::cli
