// kizuna probe: what this machine offers (CPU, Vulkan, models, FFmpeg).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "commands.hpp"
#include "kizuna/models.hpp"
#include "kizuna/nn_backend_choice.hpp"
#include "kizuna/probe.hpp"
#include "kizuna/text.hpp"

namespace kizuna::cli {
namespace {

const char* yes_no(bool v) {
    return v ? "yes" : "no";
}

void print_cpu() {
    const CpuInfo cpu = probe_cpu();
    std::printf("CPU\n  model:    %s\n  threads:  %d\n", cpu.model.c_str(), cpu.threads);
    std::printf(
        "  features: SSE4.1 %s, AVX2 %s, FMA %s, F16C %s, AVX-512F %s, AVX-512BW %s, "
        "AVX-512 VNNI %s\n",
        yes_no(cpu.sse41), yes_no(cpu.avx2), yes_no(cpu.fma), yes_no(cpu.f16c), yes_no(cpu.avx512f),
        yes_no(cpu.avx512bw), yes_no(cpu.avx512vnni));
    std::printf("  fast code: %s", cpu_level_name(cpu.in_force));
    if (cpu.capped) {
        std::printf(" (capped by KIZUNA_CPU_MAX or --cpu-max; the CPU runs %s)",
                    cpu_level_name(cpu.detected));
    } else {
        std::printf(" (the best this CPU runs; KIZUNA_CPU_MAX or --cpu-max caps it)");
    }
    std::printf("\n");
}

void print_vulkan(const Result<std::vector<GpuDeviceInfo>>& devices) {
    std::printf("\nVulkan devices\n");
    if (!devices) {
        std::printf("  none: %s\n", escape_for_terminal(devices.error().message).c_str());
        return;
    }
    if (devices->empty()) std::printf("  none: the Vulkan loader found no device\n");
    for (size_t i = 0; i < devices->size(); ++i) {
        const auto& d = (*devices)[i];
        std::printf(
            "  [%zu] %s\n      type: %s, Vulkan %s, driver: %s, fp16 storage: %s "
            "(Vulkan NN with precision auto: %s), timestamps: %s\n",
            i, escape_for_terminal(d.name).c_str(), gpu_device_type_name(d.type),
            d.api_version.c_str(), escape_for_terminal(d.driver).c_str(), yes_no(d.fp16_storage),
            d.fp16_storage ? "fp16" : "fp32", yes_no(d.timestamps));
        if (!d.usable) std::printf("      (not usable: needs Vulkan 1.1 and a compute queue)\n");
        if (d.type == GpuDeviceType::cpu) {
            std::printf(
                "      (a software device: usable for correctness, slower than the CPU "
                "backend)\n");
        }
    }
}

// Where `ai.backend: auto` runs the model on this machine, and why.
void print_nn_choice(const Result<std::vector<GpuDeviceInfo>>& devices) {
    const NnBackendChoice c = choose_auto_nn_backend(devices);
    std::printf("\nNN backend (auto): %s \xe2\x80\x94 %s\n", escape_for_terminal(c.label).c_str(),
                escape_for_terminal(c.reason).c_str());
    // The number format the hybrid chain's model takes there with ai.precision auto.
    bool fp16 = false;
    if (c.backend == NnBackendKind::vulkan && devices) {
        for (const GpuDeviceInfo& d : *devices)
            if (d.name == c.device) {
                fp16 = d.fp16_storage;
                break;
            }
    }
    const char* why = c.backend != NnBackendKind::vulkan ? "the CPU backends compute in fp32"
                      : fp16 ? "the Vulkan device has 16-bit storage buffers"
                             : "the Vulkan device has no 16-bit storage buffers";
    std::printf("AI precision (ai.precision auto): %s \xe2\x80\x94 %s\n", fp16 ? "fp16" : "fp32",
                why);
}

void print_models() {
    std::printf("\nModels\n  searched in: %s (set KIZUNA_MODELS to change)\n",
                escape_for_terminal(models_directory().string()).c_str());
    int found = 0;
    const auto models = list_models();
    for (const auto& m : models) {
        if (m.found) ++found;
    }
    std::printf("  found %d of %zu known models\n", found, models.size());
    for (const auto& m : models) {
        std::printf("    %-34s %s\n", m.id.c_str(),
                    m.found ? escape_for_terminal(m.param.string()).c_str() : "(missing)");
    }
    if (found == 0) std::printf("  run scripts/fetch-models.sh to install them\n");
}

void print_media() {
    const MediaLibraryInfo media = probe_media_libraries();
    std::printf("\nFFmpeg\n");
    for (const auto& v : media.library_versions) std::printf("  %s\n", v.c_str());
    std::printf("  video encoders (%zu):\n", media.video_encoders.size());
    for (const auto& e : media.video_encoders) std::printf("    %s\n", e.c_str());
}

}  // namespace

void register_probe(CLI::App& app, Action& run) {
    auto* cmd = app.add_subcommand("probe", "Show CPU features, Vulkan devices, models and FFmpeg");
    cmd->callback([&run] {
        run = [] {
            print_cpu();
            const auto devices = probe_vulkan_devices();
            print_vulkan(devices);
            print_nn_choice(devices);
            print_models();
            print_media();
            return 0;
        };
    });
}

}  // namespace kizuna::cli
