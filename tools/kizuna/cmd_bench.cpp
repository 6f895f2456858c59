// kizuna bench preview | nn: time the pipelines on this machine.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <tuple>

#include <fmt/format.h>

#include "commands.hpp"
#include "console.hpp"
#include "job_limits.hpp"
#include "kizuna/job_memory.hpp"
#include "kizuna/media.hpp"
#include "kizuna/nn_bench.hpp"
#include "kizuna/preview.hpp"
#include "options.hpp"

namespace kizuna::cli {
namespace {

int fail(const Error& e) {
    Console::instance().error(e.message);
    return 1;
}

struct PreviewBenchArgs {
    std::string input;
    NumberOption scale;
    std::string backend = "cpu";
    NumberOption frames;
    JobLimits limits;
};

int bench_preview_cmd(const PreviewBenchArgs& a) {
    auto backend = parse_preview_backend(a.backend);
    if (!backend) {
        Console::instance().error("--backend: \"" + a.backend +
                                  "\" is not one of auto, cpu, vulkan, reference");
        return 1;
    }
    auto scale = int_option(a.scale, 1, 8, 2);
    if (!scale) return fail(scale.error());
    auto frames = int_option(a.frames, 1, 100000, 50);
    if (!frames) return fail(frames.error());
    auto budget = budget_of(a.limits);
    if (!budget) return fail(budget.error());
    // The benchmark runs the balanced profile's stages with temporal stabilization on.
    ImageReadOptions ropts;
    ropts.admit = [&](const ImageHeader& h) -> Result<void> {
        PreviewJob job{.in_width = h.width,
                       .in_height = h.height,
                       .in_format = read_image_format(h),
                       .alpha = h.alpha,
                       .out_width = h.width * *scale,
                       .out_height = h.height * *scale,
                       .backend = preview_backend_for(*backend),
                       .temporal = true};
        const uint64_t need =
            program_base_bytes() + estimate_image_read_bytes(h) + estimate_preview_bytes(job);
        return budget->check(need,
                             fmt::format("{}: the preview of this {}x{} {} at x{}", a.input,
                                         h.width, h.height, h.codec, *scale),
                             over_budget_hint(need, "a smaller input or --scale"));
    };
    auto image = read_image(a.input, ropts);
    if (!image) return fail(image.error());
    auto r = bench_preview(image->view(), *scale, *backend, *frames);
    if (!r) {
        Console::instance().error(r.error().message);
        return 1;
    }
    std::printf("preview %s: %dx%d -> %dx%d, %d frames\n", r->backend.c_str(), r->in_width,
                r->in_height, r->out_width, r->out_height, r->frames);
    std::printf("median_ms=%.3f min_ms=%.3f max_ms=%.3f fps=%.2f\n", r->median_ms, r->min_ms,
                r->max_ms, r->fps);
    return 0;
}

struct NnBenchArgs {
    NnBenchOptions opts;
    std::string backend = "xnnpack";
    std::string conv = "direct";
    std::string precision = "auto";
    NumberOption tile, threads, runs, warmup;
    JobLimits limits;
};

int bench_nn_cmd(NnBenchArgs& a) {
    for (auto [opt, out, lo, hi] : {std::tuple{&a.tile, &a.opts.tile, 1, 8192},
                                    std::tuple{&a.threads, &a.opts.threads, 0, 256},
                                    std::tuple{&a.runs, &a.opts.runs, 1, 100000},
                                    std::tuple{&a.warmup, &a.opts.warmup, 0, 100000}}) {
        auto v = int_option(*opt, lo, hi, *out);
        if (!v) return fail(v.error());
        *out = *v;
    }
    if (!parse_nn_backend(a.backend, &a.opts.backend)) {
        Console::instance().error("--backend: \"" + a.backend +
                                  "\" is not one of ref, xnnpack, vulkan");
        return 1;
    }
    if (a.conv != "direct" && a.conv != "xnnpack") {
        Console::instance().error("--conv: \"" + a.conv + "\" is not one of direct, xnnpack");
        return 1;
    }
    a.opts.direct_conv = a.conv == "direct";
    auto precision = precision_option(a.precision, a.opts.backend);
    if (!precision) return fail(precision.error());
    a.opts.precision = *precision;
    auto budget = budget_of(a.limits);
    if (!budget) return fail(budget.error());
    auto info = inspect_model(a.opts.model);
    if (!info) return fail(info.error());
    const uint64_t need = program_base_bytes() +
                          estimate_model_run_bytes(*info, a.opts.tile, a.opts.tile, a.opts.backend);
    if (auto ok = budget->check(
            need, fmt::format("{} on a {}x{} tile", a.opts.model, a.opts.tile, a.opts.tile),
            over_budget_hint(need, "a smaller --tile"));
        !ok) {
        return fail(ok.error());
    }
    auto r = run_nn_bench(a.opts);
    if (!r) {
        Console::instance().error(r.error().message);
        return 1;
    }
    std::printf(
        "nn %s on %s: %dx%d tile, %d threads, %d runs: median %.1f ms (min %.1f, max %.1f)\n",
        r->model.c_str(), r->backend.c_str(), r->tile, r->tile, r->threads, r->runs, r->ms_median,
        r->ms_min, r->ms_max);
    std::printf("  %.2f GFLOP per tile, %.1f GFLOP/s; FMA peak %.1f GFLOP/s (%s)\n",
                r->gflop_per_tile, r->gflops, r->fma_peak_gflops, r->fma_isa);
    if (!r->device.empty())
        std::printf("  device: %s, %s; GPU time %.1f ms per tile (median, timestamps)\n",
                    r->device.c_str(), r->precision.c_str(), r->gpu_ms_median);
    if (!r->fallback_layers.empty()) {
        std::printf("  %zu layers ran on the reference backend:", r->fallback_layers.size());
        for (const auto& l : r->fallback_layers) std::printf(" %s", l.c_str());
        std::printf("\n");
    }
    std::printf("%s\n", nn_bench_summary_line(*r).c_str());
    return 0;
}

}  // namespace

void register_bench(CLI::App& app, Action& run) {
    auto* cmd = app.add_subcommand("bench", "Time the preview or a neural model on this machine");
    cmd->require_subcommand(1);

    auto p = std::make_shared<PreviewBenchArgs>();
    auto* prev = cmd->add_subcommand("preview", "Time the five-stage preview on one image");
    prev->add_option("-i,--input", p->input, "Input image")->required();
    add_number_option(prev, "-s,--scale", p->scale, "Integer scale factor, 1 to 8 (default 2)");
    prev->add_option("-b,--backend", p->backend, "cpu, vulkan, reference or auto")
        ->capture_default_str();
    add_number_option(prev, "-n,--frames", p->frames,
                      "Timed frames after 3 warm-up frames, 1 to 100000 (default 50)");
    add_job_limit_options(prev, p->limits, /*with_strict=*/false);
    prev->callback([&run, p] { run = [p] { return bench_preview_cmd(*p); }; });

    auto n = std::make_shared<NnBenchArgs>();
    auto* nn = cmd->add_subcommand("nn", "Time one neural model on square tiles");
    nn->add_option("-m,--model", n->opts.model, "Model id or .param path")->capture_default_str();
    add_number_option(nn, "-t,--tile", n->tile,
                      "Tile side in input pixels, 1 to 8192 (default 256)");
    nn->add_option("-b,--backend", n->backend,
                   "xnnpack, ref or vulkan (any Vulkan device, lavapipe included)")
        ->capture_default_str();
    add_number_option(nn, "-j,--threads", n->threads, "Threads (0 = all, up to 256)");
    add_number_option(nn, "-n,--runs", n->runs, "Timed runs, 1 to 100000 (default 5)");
    add_number_option(nn, "--warmup", n->warmup, "Untimed runs first, 0 to 100000 (default 1)");
    nn->add_option("--conv", n->conv,
                   "xnnpack backend: ordinary convolutions on our AVX-512 direct kernel "
                   "(direct) or on XNNPACK's operators (xnnpack)")
        ->capture_default_str();
    nn->add_option("--precision", n->precision,
                   "vulkan backend: auto (fp16 where the device has 16-bit storage), fp32 or fp16")
        ->capture_default_str();
    add_job_limit_options(nn, n->limits, /*with_strict=*/false);
    nn->callback([&run, n] { run = [n] { return bench_nn_cmd(*n); }; });
}

}  // namespace kizuna::cli
