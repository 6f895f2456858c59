// kizuna models: list the neural models; kizuna models run ID IN -o OUT: run one on a whole image.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "console.hpp"
#include "kizuna/convert.hpp"
#include "kizuna/log.hpp"
#include "kizuna/media.hpp"
#include "kizuna/models.hpp"

namespace kizuna::cli {
namespace {

int list_all() {
    std::printf("Models in %s\n", models_directory().string().c_str());
    std::printf("%-34s %5s %6s %10s %10s %7s\n", "id", "scale", "layers", "params", "MFLOP/px",
                "radius");
    int missing = 0;
    for (const auto& m : list_models()) {
        if (!m.found) {
            std::printf("%-34s %5d %6s %10s %10s %7s  (not installed)\n", m.id.c_str(), m.scale,
                        "-", "-", "-", "-");
            ++missing;
            continue;
        }
        auto info = inspect_model(m.id);
        if (!info) {
            std::printf("%-34s %5d  error: %s\n", m.id.c_str(), m.scale,
                        info.error().message.c_str());
            continue;
        }
        std::printf("%-34s %5d %6d %10zu %10.1f %7d\n", m.id.c_str(), info->scale,
                    info->layer_count, info->parameter_count, info->mflop_per_pixel,
                    info->receptive_radius);
    }
    if (missing) std::printf("%d models are not installed: run scripts/fetch-models.sh\n", missing);
    return 0;
}

struct RunArgs {
    std::string model;
    std::string input;
    std::string output;
    std::string backend = "xnnpack";
    int threads = 0;
};

int run_one(const RunArgs& a) {
    Console& console = Console::instance();
    RunOptions opts;
    if (a.backend == "ref" || a.backend == "reference") {
        opts.backend = NnBackendKind::reference;
    } else if (a.backend == "xnnpack") {
        opts.backend = NnBackendKind::xnnpack;
    } else {
        console.error("--backend: \"" + a.backend + "\" is not one of ref, xnnpack");
        return 1;
    }
    opts.threads = a.threads;
    auto model = Model::load(a.model);
    if (!model) {
        console.error(model.error().message);
        return 1;
    }
    auto image = read_image(a.input);
    if (!image) {
        console.error(image.error().message);
        return 1;
    }
    auto tensor = Tensor::create(3, image->height(), image->width());
    if (!tensor) {
        console.error(tensor.error().message);
        return 1;
    }
    if (auto r = image_to_tensor(image->view(), tensor->view()); !r) {
        console.error(r.error().message);
        return 1;
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto result = run_model(*model, tensor->view(), opts);
    if (!result) {
        console.error(a.input + ": " + result.error().message);
        return 1;
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const PixelFormat fmt =
        image->format() == PixelFormat::rgba8 ? PixelFormat::rgba8 : PixelFormat::rgba32f;
    auto out = Image::create(result->width(), result->height(), fmt, image->color());
    if (!out) {
        console.error(out.error().message);
        return 1;
    }
    if (auto r = tensor_to_image(result->view(), out->view()); !r) {
        console.error(r.error().message);
        return 1;
    }
    if (auto r = write_image(a.output, out->view()); !r) {
        console.error(r.error().message);
        return 1;
    }
    log(LogLevel::info, a.model + " on " + a.input + ": " + std::to_string(image->width()) + "x" +
                            std::to_string(image->height()) + " -> " +
                            std::to_string(result->width()) + "x" +
                            std::to_string(result->height()) + " in " +
                            std::to_string(static_cast<int>(ms + 0.5)) + " ms, wrote " + a.output);
    return 0;
}

}  // namespace

void register_models(CLI::App& app, Action& run) {
    auto* cmd = app.add_subcommand("models", "List the neural models, or run one on an image");
    cmd->callback([&run, cmd] {
        if (cmd->get_subcommands().empty()) run = list_all;
    });
    auto a = std::make_shared<RunArgs>();
    auto* r = cmd->add_subcommand("run", "Run one model on a whole image (no tiling, no stages)");
    r->add_option("model", a->model, "Model id (see 'kizuna models') or .param path")->required();
    r->add_option("input", a->input, "Input image")->required();
    r->add_option("-o,--output", a->output, "Output image")->required();
    r->add_option("-b,--backend", a->backend, "ref or xnnpack")->capture_default_str();
    r->add_option("-j,--threads", a->threads, "Threads (0 = all)")->capture_default_str();
    r->callback([&run, a] { run = [a] { return run_one(*a); }; });
}

}  // namespace kizuna::cli
