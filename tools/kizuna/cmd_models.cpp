// kizuna models [list]: the neural models; kizuna models run ID IN -o OUT: run one on a whole
// image.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "console.hpp"
#include "job_limits.hpp"
#include "kizuna/convert.hpp"
#include "kizuna/job_memory.hpp"
#include "kizuna/log.hpp"
#include "kizuna/media.hpp"
#include "kizuna/models.hpp"
#include "kizuna/text.hpp"
#include "options.hpp"
#include "still_loss.hpp"

namespace kizuna::cli {
namespace {

namespace fs = std::filesystem;

int fail(const Error& e) {
    Console::instance().error(e.message);
    return 1;
}

int list_all() {
    std::printf("Models in %s\n", escape_for_terminal(models_directory().string()).c_str());
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
            // The message may quote the model file (a layer name, a parameter).
            std::printf("%-34s %5d  error: %s\n", m.id.c_str(), m.scale,
                        escape_for_terminal(info.error().message).c_str());
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
    std::string precision = "auto";
    NumberOption threads;
    JobLimits limits;
};

// The model's files: inputs of the command that the output must not replace.
std::vector<fs::path> model_files(const std::string& model) {
    std::vector<fs::path> files;
    if (auto param = resolve_model(model)) {
        files.push_back(*param);
        files.push_back(fs::path(*param).replace_extension(".bin"));
    }
    return files;
}

int run_one(const RunArgs& a) {
    RunOptions opts;
    if (!parse_nn_backend(a.backend, &opts.backend)) {
        return fail(
            make_error(Errc::invalid_argument,
                       "--backend: \"" + a.backend + "\" is not one of ref, xnnpack, vulkan"));
    }
    auto precision = precision_option(a.precision, opts.backend);
    if (!precision) return fail(precision.error());
    opts.precision = *precision;
    auto threads = int_option(a.threads, 0, 256, 0);
    if (!threads) return fail(threads.error());
    opts.threads = *threads;
    auto budget = budget_of(a.limits);
    if (!budget) return fail(budget.error());

    // Checked before the model is loaded and any pixel is read.
    std::vector<fs::path> inputs = model_files(a.model);
    inputs.emplace_back(a.input);
    if (auto r = check_image_output(a.output, inputs); !r) return fail(r.error());
    auto caps = image_output_capabilities(a.output);
    if (!caps) return fail(caps.error());

    auto model = Model::load(a.model);
    if (!model) return fail(model.error());
    const ModelInfo& minfo = model->info();

    // The model's output keeps the input's depth where the format can hold it.
    ImageWriteOptions wopts;
    ImageReadOptions ropts;
    ropts.admit = [&](const ImageHeader& h) -> Result<void> {
        wopts.bit_depth = h.bits_per_channel > 8 && caps->max_bit_depth >= 16 ? 16 : 8;
        const int64_t ow = int64_t{h.width} * minfo.scale, oh = int64_t{h.height} * minfo.scale;
        if (ow > Image::max_side || oh > Image::max_side) {
            return make_error(Errc::invalid_argument,
                              fmt::format("{}: the output would be {}x{}, more than {} pixels a "
                                          "side",
                                          a.input, ow, oh, Image::max_side));
        }
        const uint64_t need = estimate_still_model_bytes(h, minfo, opts.backend, wopts, a.output);
        log(LogLevel::debug, fmt::format("memory: this job needs about {} ({} bytes); the budget "
                                         "is {}",
                                         format_bytes(need), need, budget->describe()));
        return budget->check(need,
                             fmt::format("{}: {} on this {}x{} {} (whole image, no tiling)",
                                         a.input, a.model, h.width, h.height, h.codec),
                             over_budget_hint(need, "a smaller input"));
    };
    ImageReadInfo info;
    auto image = read_image(a.input, ropts, &info);
    if (!image) return fail(image.error());
    if (auto r =
            check_still_losses(a.limits, a.input, info, image->view(), a.output, *caps,
                               /*job_keeps_alpha=*/false, wopts, "write .png or .tif to keep them");
        !r) {
        return fail(r.error());
    }

    auto tensor = Tensor::create(3, image->height(), image->width());
    if (!tensor) return fail(tensor.error());
    if (auto r = image_to_tensor(image->view(), tensor->view()); !r) return fail(r.error());
    const auto t0 = std::chrono::steady_clock::now();
    auto result = run_model(*model, tensor->view(), opts);
    if (!result)
        return fail(make_error(result.error().code, a.input + ": " + result.error().message));
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const PixelFormat fmt =
        image->format() == PixelFormat::rgba8 ? PixelFormat::rgba8 : PixelFormat::rgba32f;
    auto out = Image::create(result->width(), result->height(), fmt, image->color());
    if (!out) return fail(out.error());
    if (auto r = tensor_to_image(result->view(), out->view()); !r) return fail(r.error());
    if (auto r = write_image(a.output, out->view(), wopts); !r) return fail(r.error());
    log(LogLevel::info, fmt::format("{} on {}: {}x{} -> {}x{} in {} ms, wrote {}", a.model, a.input,
                                    image->width(), image->height(), result->width(),
                                    result->height(), static_cast<int>(ms + 0.5), a.output));
    return 0;
}

}  // namespace

void register_models(CLI::App& app, Action& run) {
    auto* cmd = app.add_subcommand("models", "List the neural models, or run one on an image");
    cmd->callback([&run, cmd] {
        if (cmd->get_subcommands().empty()) run = list_all;
    });
    auto* list =
        cmd->add_subcommand("list", "List the neural models (the same as 'kizuna models')");
    list->callback([&run] { run = list_all; });
    auto a = std::make_shared<RunArgs>();
    auto* r = cmd->add_subcommand("run", "Run one model on a whole image (no tiling, no stages)");
    r->add_option("model", a->model, "Model id (see 'kizuna models list') or .param path")
        ->required();
    r->add_option("input", a->input, "Input image")->required();
    r->add_option("-o,--output", a->output, "Output image")->required();
    r->add_option("-b,--backend", a->backend,
                  "ref, xnnpack or vulkan (any Vulkan device, lavapipe included)")
        ->capture_default_str();
    r->add_option("--precision", a->precision,
                  "vulkan backend: auto (fp16 where the device has 16-bit storage), fp32 or fp16")
        ->capture_default_str();
    add_number_option(r, "-j,--threads", a->threads, "Threads (0 = all, up to 256)");
    add_job_limit_options(r, a->limits, /*with_strict=*/true);
    r->callback([&run, a] { run = [a] { return run_one(*a); }; });
}

}  // namespace kizuna::cli
