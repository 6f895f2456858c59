#include "pipeline/stage_backend.hpp"

#include "core/logging.hpp"
#include "kizuna/probe.hpp"

namespace kizuna {
namespace {

// True when some Vulkan device is a real GPU (not a CPU rasterizer such as lavapipe).
bool real_gpu_present() {
    auto devices = probe_vulkan_devices();
    if (!devices) return false;
    for (const GpuDeviceInfo& d : *devices) {
        if (d.type != GpuDeviceType::cpu) return true;
    }
    return false;
}

}  // namespace

PreviewBackendKind preview_backend_for(PreviewBackendKind requested) {
    if (requested != PreviewBackendKind::auto_select) return requested;
    return real_gpu_present() ? PreviewBackendKind::vulkan : PreviewBackendKind::cpu;
}

namespace pipeline {

Result<std::unique_ptr<stages::PreviewBackend>> make_stage_backend(PreviewBackendKind kind,
                                                                   int threads) {
    switch (kind) {
        case PreviewBackendKind::reference:
            return stages::make_reference_preview();
        case PreviewBackendKind::cpu:
            return stages::make_cpu_preview(threads);
        case PreviewBackendKind::vulkan:
            return stages::make_vulkan_preview();
        case PreviewBackendKind::auto_select:
            if (preview_backend_for(kind) == PreviewBackendKind::vulkan) {
                auto vk = stages::make_vulkan_preview();
                if (vk) return vk;
                KZ_LOG_WARN("Vulkan stage backend unavailable ({}), using the CPU backend",
                            vk.error().message);
            } else {
                KZ_LOG_INFO("no GPU (only CPU Vulkan devices or none): the stages run on the CPU");
            }
            return stages::make_cpu_preview(threads);
    }
    return make_error(Errc::invalid_argument, "unknown stage backend kind");
}

}  // namespace pipeline
}  // namespace kizuna
