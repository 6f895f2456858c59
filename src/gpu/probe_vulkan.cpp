// probe_vulkan_devices() and gpu_device_type_name() from include/kizuna/probe.hpp.
#include "core/enum_names.hpp"
#include "gpu/instance.hpp"
#include "kizuna/probe.hpp"

namespace kizuna {

const char* gpu_device_type_name(GpuDeviceType type) noexcept {
    return enum_name<GpuDeviceType::cpu>(
        type, {"other", "integrated", "discrete", "virtual", "cpu"}, "other");
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
