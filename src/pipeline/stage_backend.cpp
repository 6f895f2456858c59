#include "pipeline/stage_backend.hpp"

#include <string>

#include "core/logging.hpp"
#include "kizuna/probe.hpp"

namespace kizuna {
namespace {

// True when some Vulkan device is a real GPU (not a CPU rasterizer such as lavapipe); else
// false, with *why (when given) saying what was found.
bool real_gpu_present(std::string* why = nullptr) {
    auto devices = probe_vulkan_devices();
    if (!devices) {
        if (why) *why = devices.error().message;
        return false;
    }
    for (const GpuDeviceInfo& d : *devices) {
        if (d.type != GpuDeviceType::cpu) return true;
    }
    if (why) *why = devices->empty() ? "no Vulkan device" : "only CPU Vulkan devices";
    return false;
}

}  // namespace

PreviewBackendKind preview_backend_for(PreviewBackendKind requested) {
    if (requested != PreviewBackendKind::auto_select) return requested;
    return real_gpu_present() ? PreviewBackendKind::vulkan : PreviewBackendKind::cpu;
}

namespace pipeline {
namespace {

// The Vulkan stage backend, else the CPU one with a warning saying why.
Result<std::unique_ptr<stages::PreviewBackend>> vulkan_or_cpu(int threads) {
    auto vk = stages::make_vulkan_preview();
    if (vk) return vk;
    KZ_LOG_WARN("the Vulkan stage backend cannot start ({}); the stages run on the CPU",
                vk.error().message);
    return stages::make_cpu_preview(threads);
}

}  // namespace

Result<std::unique_ptr<stages::PreviewBackend>> make_stage_backend(PreviewBackendKind kind,
                                                                   int threads) {
    switch (kind) {
        case PreviewBackendKind::reference:
            return stages::make_reference_preview();
        case PreviewBackendKind::cpu:
            return stages::make_cpu_preview(threads);
        case PreviewBackendKind::vulkan:
            return vulkan_or_cpu(threads);
        case PreviewBackendKind::auto_select: {
            std::string why;
            if (real_gpu_present(&why)) return vulkan_or_cpu(threads);
            KZ_LOG_INFO("no GPU ({}): the stages run on the CPU", why);
            return stages::make_cpu_preview(threads);
        }
    }
    return make_error(Errc::invalid_argument, "unknown stage backend kind");
}

}  // namespace pipeline
}  // namespace kizuna
