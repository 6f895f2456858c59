// The Vulkan instance and what each physical device offers. Used by Context (to pick a device)
// and by probe_vulkan_devices() (to list them).
#pragma once

#include "gpu/vk_api.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/probe.hpp"

namespace kizuna::gpu {

// Owns a VkInstance. Move-only.
class Instance {
public:
    // Opens the Vulkan loader first (vk_api.hpp). Fails with a message saying why when there is
    // no loader ("no Vulkan loader (...)") or the loader finds no driver, or (unsupported) when
    // an instance extension in `extensions` (e.g. a window system's surface extensions) is
    // missing.
    static Result<Instance> create(std::span<const std::string> extensions = {});
    Instance() = default;
    ~Instance();
    Instance(Instance&& other) noexcept;
    Instance& operator=(Instance&& other) noexcept;
    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;

    VkInstance get() const noexcept { return instance_; }

private:
    VkInstance instance_ = VK_NULL_HANDLE;
};

// One physical device and the capabilities KizunaSR cares about.
struct PhysicalDeviceCaps {
    VkPhysicalDevice device = VK_NULL_HANDLE;
    GpuDeviceInfo info;                 // name, type, API version string, driver, fp16, timestamps
    uint32_t api_version = 0;           // VK_MAKE_API_VERSION form
    int compute_queue_family = -1;      // -1: no compute queue (unusable)
    uint32_t timestamp_valid_bits = 0;  // of the compute queue family; 0 = no timestamps
    double timestamp_period_ns = 0;     // nanoseconds per timestamp tick
    uint32_t max_workgroup_invocations = 0;
    uint32_t max_push_constants_size = 0;
    uint64_t max_storage_buffer_range = 0;
    bool usable = false;             // Vulkan >= 1.1 and a compute queue
    bool memory_budget_ext = false;  // VK_EXT_memory_budget (Context enables it)
};

// Every physical device, best first: discrete, integrated, virtual, cpu, other; among equals,
// enumeration order. Fails when none exists.
Result<std::vector<PhysicalDeviceCaps>> enumerate_devices(const Instance& instance);

// True when `device` offers the device extension `name`.
bool device_has_extension(VkPhysicalDevice device, const char* name);

// "1.3.230" from a VK_MAKE_API_VERSION value.
std::string api_version_string(uint32_t version);

}  // namespace kizuna::gpu
