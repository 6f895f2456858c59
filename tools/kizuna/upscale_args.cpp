#include "upscale_args.hpp"

#include <CLI/CLI.hpp>

#include "kizuna/parse_number.hpp"

namespace kizuna::cli {

void add_chain_options(CLI::App* cmd, UpscaleArgs& a, const std::string& set_help) {
    cmd->add_option("-p,--profile", a.profile, "Built-in profile name or JSON file")
        ->capture_default_str();
    auto* scale =
        add_number_option(cmd, "-s,--scale", a.scale, "Scale factor, e.g. 2, 3 or 4 (1 to 8)");
    add_number_option(cmd, "--size", a.size, "Exact output size WIDTHxHEIGHT (16 to 16384 each)")
        ->excludes(scale);
    cmd->add_option("-b,--backend", a.backend, "Shader stages: auto, cpu, vulkan or reference")
        ->capture_default_str();
    add_number_option(cmd, "-j,--threads", a.threads, "CPU threads (0 = all, up to 256)");
    cmd->add_option("--set", a.overrides, set_help);
}

Result<Profile> upscale_profile(const UpscaleArgs& a) {
    auto profile = resolve_profile(a.profile);
    if (!profile) return std::move(profile).error();
    KZ_TRY(apply_overrides(*profile, a.overrides));
    KZ_TRY(apply_ai_flags(a.ai, *profile));
    return profile;
}

Result<PreviewOptions> upscale_preview_options(const UpscaleArgs& a) {
    PreviewOptions opts;
    auto backend = parse_preview_backend(a.backend);
    if (!backend) {
        return make_error(
            Errc::invalid_argument,
            "--backend: \"" + a.backend + "\" is not one of auto, cpu, vulkan, reference");
    }
    opts.backend = *backend;
    KZ_TRY(store_int_option(a.threads, 0, 256, 0, opts.threads));
    KZ_TRY(store_decimal_option(a.scale, 1, 8, 0, opts.scale));
    if (a.size.given()) {
        auto size = parse_dimensions(a.size.text, 16, 16384, "--size");
        if (!size) return std::move(size).error();
        opts.width = size->width;
        opts.height = size->height;
    }
    return opts;
}

}  // namespace kizuna::cli
