// kizuna bench preview | nn: time the pipelines on this machine.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "commands.hpp"
#include "console.hpp"
#include "kizuna/nn_bench.hpp"
#include "kizuna/preview.hpp"
#include "options.hpp"

namespace kizuna::cli {
namespace {

struct PreviewBenchArgs {
    std::string input;
    int scale = 2;
    std::string backend = "cpu";
    int frames = 50;
};

int bench_preview_cmd(const PreviewBenchArgs& a) {
    auto backend = parse_preview_backend(a.backend);
    if (!backend) {
        Console::instance().error("--backend: \"" + a.backend +
                                  "\" is not one of auto, cpu, vulkan, reference");
        return 1;
    }
    auto r = bench_preview(a.input, a.scale, *backend, a.frames);
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
};

int bench_nn_cmd(NnBenchArgs& a) {
    if (a.backend == "ref" || a.backend == "reference") {
        a.opts.backend = NnBackendKind::reference;
    } else if (a.backend == "xnnpack") {
        a.opts.backend = NnBackendKind::xnnpack;
    } else {
        Console::instance().error("--backend: \"" + a.backend + "\" is not one of ref, xnnpack");
        return 1;
    }
    if (a.conv != "direct" && a.conv != "xnnpack") {
        Console::instance().error("--conv: \"" + a.conv + "\" is not one of direct, xnnpack");
        return 1;
    }
    a.opts.direct_conv = a.conv == "direct";
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
    prev->add_option("-s,--scale", p->scale, "Scale factor (1 to 8)")->capture_default_str();
    prev->add_option("-b,--backend", p->backend, "cpu, vulkan, reference or auto")
        ->capture_default_str();
    prev->add_option("-n,--frames", p->frames, "Timed frames after 3 warm-up frames")
        ->capture_default_str();
    prev->callback([&run, p] { run = [p] { return bench_preview_cmd(*p); }; });

    auto n = std::make_shared<NnBenchArgs>();
    auto* nn = cmd->add_subcommand("nn", "Time one neural model on square tiles");
    nn->add_option("-m,--model", n->opts.model, "Model id or .param path")->capture_default_str();
    nn->add_option("-t,--tile", n->opts.tile, "Tile side in input pixels")->capture_default_str();
    nn->add_option("-b,--backend", n->backend, "xnnpack or ref")->capture_default_str();
    nn->add_option("-j,--threads", n->opts.threads, "Threads (0 = all)")->capture_default_str();
    nn->add_option("-n,--runs", n->opts.runs, "Timed runs")->capture_default_str();
    nn->add_option("--warmup", n->opts.warmup, "Untimed runs first")->capture_default_str();
    nn->add_option("--conv", n->conv,
                   "xnnpack backend: ordinary convolutions on our AVX-512 direct kernel "
                   "(direct) or on XNNPACK's operators (xnnpack)")
        ->capture_default_str();
    nn->callback([&run, n] { run = [n] { return bench_nn_cmd(*n); }; });
}

}  // namespace kizuna::cli
