// probe_vulkan_devices() and gpu_device_type_name() from include/kizuna/probe.hpp.
#include "gpu/instance.hpp"
#include "kizuna/probe.hpp"

namespace kizuna {

const char* gpu_device_type_name(GpuDeviceType type) noexcept {
    switch (type) {
        case GpuDeviceType::integrated:
            return "integrated";
        case GpuDeviceType::discrete:
            return "discrete";
        case GpuDeviceType::virtual_gpu:
            return "virtual";
        case GpuDeviceType::cpu:
            return "cpu";
        case GpuDeviceType::other:
            break;
    }
    return "other";
}

Result<std::vector<GpuDeviceInfo>> probe_vulkan_devices() {
    auto instance = gpu::Instance::create();
    if (!instance) return std::move(instance).error();
    auto devices = gpu::enumerate_devices(*instance);
    if (!devices) return std::move(devices).error();
    std::vector<GpuDeviceInfo> out;
    out.reserve(devices->size());
    for (const auto& d : *devices) out.push_back(d.info);
    return out;
}

}  // namespace kizuna
