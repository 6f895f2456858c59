// Where `ai.backend: auto` runs a neural model, and why: a real GPU through the Vulkan NN
// backend, else the CPU backend. `kizuna probe` prints the choice; the hybrid chain follows it.
#pragma once

#include <string>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/models.hpp"
#include "kizuna/probe.hpp"

namespace kizuna {

struct NnBackendChoice {
    NnBackendKind backend = NnBackendKind::xnnpack;  // vulkan, or the CPU backend
    std::string device;  // the Vulkan device's name when backend is vulkan, else empty
    // What runs, e.g. "vulkan on 'AMD Radeon RX 6600' (discrete GPU)" or "cpu (xnnpack + direct
    // avx2)": the CPU backend and the convolution kernel the CPU level in force gives it.
    std::string label;
    // Why, one line, e.g. "the only Vulkan device is llvmpipe (LLVM 15.0.6, 256 bits), a CPU
    // rasterizer" or "no Vulkan loader (libvulkan.so.1: cannot open shared object file: ...)".
    std::string reason;
};

// The rule: the first usable (GpuDeviceInfo::usable) discrete or integrated GPU of `devices`
// (best first, as probe_vulkan_devices() gives them, or its error) takes the Vulkan backend;
// otherwise the CPU backend. A software device (type cpu: lavapipe, llvmpipe) is never chosen,
// nor a virtual or other one: ask for the "vulkan" backend by name to use those.
NnBackendChoice choose_auto_nn_backend(const Result<std::vector<GpuDeviceInfo>>& devices);

// choose_auto_nn_backend(probe_vulkan_devices()); creates and destroys a Vulkan instance.
NnBackendChoice auto_nn_backend();

}  // namespace kizuna
