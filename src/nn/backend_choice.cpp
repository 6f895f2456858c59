// choose_auto_nn_backend() and auto_nn_backend() from include/kizuna/nn_backend_choice.hpp.
#include "kizuna/nn_backend_choice.hpp"

#include <fmt/format.h>

#include "nn/direct/direct_conv.hpp"

namespace kizuna {
namespace {

// The CPU backend a session of kind xnnpack runs, with its convolution kernel.
std::string cpu_label() {
#if KIZUNA_HAVE_XNNPACK_BACKEND
    if (nn::direct::available())
        return fmt::format("cpu (xnnpack + direct {})", cpu_level_name(cpu_level()));
    return "cpu (xnnpack)";
#else
    return "cpu (reference: XNNPACK is not part of this build)";
#endif
}

const char* type_words(GpuDeviceType type) {
    switch (type) {
        case GpuDeviceType::discrete:
            return "discrete GPU";
        case GpuDeviceType::integrated:
            return "integrated GPU";
        case GpuDeviceType::virtual_gpu:
            return "virtual GPU";
        case GpuDeviceType::cpu:
            return "CPU rasterizer";
        case GpuDeviceType::other:
            break;
    }
    return "device of unknown type";
}

bool is_gpu(GpuDeviceType type) {
    return type == GpuDeviceType::discrete || type == GpuDeviceType::integrated;
}

// Why `d` is not taken automatically.
std::string rejection(const GpuDeviceInfo& d) {
    if (is_gpu(d.type))
        return fmt::format("{} ({}, Vulkan {}) lacks Vulkan 1.1 or a compute queue", d.name,
                           type_words(d.type), d.api_version);
    return fmt::format("{}, a {}", d.name, type_words(d.type));
}

}  // namespace

NnBackendChoice choose_auto_nn_backend(const Result<std::vector<GpuDeviceInfo>>& devices) {
    NnBackendChoice c;
    c.label = cpu_label();
    if (!devices) {
        c.reason = devices.error().message;
        return c;
    }
    if (devices->empty()) {
        c.reason = "the Vulkan loader lists no device";
        return c;
    }
    for (const GpuDeviceInfo& d : *devices) {
        if (d.usable && is_gpu(d.type)) {
            c.backend = NnBackendKind::vulkan;
            c.device = d.name;
            c.label = fmt::format("vulkan on '{}' ({})", d.name, type_words(d.type));
            c.reason = fmt::format("{} is a usable {} (Vulkan {})", d.name, type_words(d.type),
                                   d.api_version);
            return c;
        }
    }
    if (devices->size() == 1) {
        c.reason = "the only Vulkan device is " + rejection(devices->front());
        return c;
    }
    c.reason = "no Vulkan device is a usable GPU:";
    for (size_t i = 0; i < devices->size(); ++i)
        c.reason += (i ? "; " : " ") + rejection((*devices)[i]);
    return c;
}

NnBackendChoice auto_nn_backend() {
    return choose_auto_nn_backend(probe_vulkan_devices());
}

}  // namespace kizuna
