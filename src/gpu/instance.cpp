#include "gpu/instance.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "gpu/vk_check.hpp"

namespace kizuna::gpu {

Result<Instance> Instance::create(std::span<const std::string> extensions) {
    KZ_TRY(load_vulkan_loader());
    std::vector<const char*> names;
    for (const std::string& e : extensions) names.push_back(e.c_str());
    VkApplicationInfo app{};
    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
    app.pApplicationName = "KizunaSR";
    app.pEngineName = "KizunaSR";
    app.apiVersion = VK_API_VERSION_1_2;
    VkInstanceCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
    info.pApplicationInfo = &app;
    info.enabledExtensionCount = static_cast<uint32_t>(names.size());
    info.ppEnabledExtensionNames = names.data();
    Instance out;
    const VkResult r = vkCreateInstance(&info, nullptr, &out.instance_);
    if (r == VK_ERROR_INCOMPATIBLE_DRIVER) {
        return make_error(
            Errc::unsupported,
            "Vulkan: vkCreateInstance found no driver (VK_ERROR_INCOMPATIBLE_DRIVER); "
            "install a Vulkan driver (e.g. mesa-vulkan-drivers for lavapipe)");
    }
    if (r == VK_ERROR_EXTENSION_NOT_PRESENT) {
        std::string list;
        for (const std::string& e : extensions) list += (list.empty() ? "" : ", ") + e;
        return make_error(Errc::unsupported,
                          fmt::format("Vulkan: the instance lacks an extension among {}", list));
    }
    KZ_VK_CHECK(r);
    KZ_TRY(load_vulkan_instance_functions(out.instance_));
    return out;
}

Instance::~Instance() {
    if (instance_) vkDestroyInstance(instance_, nullptr);
}

Instance::Instance(Instance&& other) noexcept
    : instance_(std::exchange(other.instance_, VK_NULL_HANDLE)) {}

Instance& Instance::operator=(Instance&& other) noexcept {
    if (this != &other) {
        if (instance_) vkDestroyInstance(instance_, nullptr);
        instance_ = std::exchange(other.instance_, VK_NULL_HANDLE);
    }
    return *this;
}

std::string api_version_string(uint32_t v) {
    return fmt::format("{}.{}.{}", VK_API_VERSION_MAJOR(v), VK_API_VERSION_MINOR(v),
                       VK_API_VERSION_PATCH(v));
}

namespace {

GpuDeviceType device_type(VkPhysicalDeviceType t) {
    switch (t) {
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
            return GpuDeviceType::integrated;
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
            return GpuDeviceType::discrete;
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
            return GpuDeviceType::virtual_gpu;
        case VK_PHYSICAL_DEVICE_TYPE_CPU:
            return GpuDeviceType::cpu;
        default:
            return GpuDeviceType::other;
    }
}

int type_rank(GpuDeviceType t) {
    switch (t) {
        case GpuDeviceType::discrete:
            return 0;
        case GpuDeviceType::integrated:
            return 1;
        case GpuDeviceType::virtual_gpu:
            return 2;
        case GpuDeviceType::cpu:
            return 3;
        default:
            return 4;
    }
}

}  // namespace

bool device_has_extension(VkPhysicalDevice device, const char* name) {
    uint32_t count = 0;
    if (vkEnumerateDeviceExtensionProperties(device, nullptr, &count, nullptr) != VK_SUCCESS) {
        return false;
    }
    std::vector<VkExtensionProperties> exts(count);
    if (vkEnumerateDeviceExtensionProperties(device, nullptr, &count, exts.data()) < 0) {
        return false;
    }
    return std::any_of(exts.begin(), exts.end(), [&](const VkExtensionProperties& e) {
        return std::string_view(e.extensionName) == name;
    });
}

namespace {

// A Vulkan 1.1 query of `Ext` (sType `type`) through the pNext chain of the *2 struct `Outer`
// (sType `outer_type`) that `get` fills, e.g. vkGetPhysicalDeviceFeatures2.
template <class Ext, class Outer>
Ext query_chained(VkPhysicalDevice device, VkStructureType type,
                  void (*get)(VkPhysicalDevice, Outer*), VkStructureType outer_type) {
    Ext ext{};
    ext.sType = type;
    Outer outer{};
    outer.sType = outer_type;
    outer.pNext = &ext;
    get(device, &outer);
    return ext;
}

PhysicalDeviceCaps query_caps(VkPhysicalDevice device) {
    PhysicalDeviceCaps caps;
    caps.device = device;
    VkPhysicalDeviceProperties props{};
    vkGetPhysicalDeviceProperties(device, &props);
    caps.api_version = props.apiVersion;
    caps.info.name = props.deviceName;
    caps.info.type = device_type(props.deviceType);
    caps.info.api_version = api_version_string(props.apiVersion);
    caps.timestamp_period_ns = props.limits.timestampPeriod;
    caps.max_workgroup_invocations = props.limits.maxComputeWorkGroupInvocations;
    caps.max_push_constants_size = props.limits.maxPushConstantsSize;
    caps.max_storage_buffer_range = props.limits.maxStorageBufferRange;

    const bool v11 = props.apiVersion >= VK_API_VERSION_1_1;
    if (v11 && (props.apiVersion >= VK_API_VERSION_1_2 ||
                device_has_extension(device, VK_KHR_DRIVER_PROPERTIES_EXTENSION_NAME))) {
        const auto driver = query_chained<VkPhysicalDeviceDriverProperties>(
            device, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES,
            vkGetPhysicalDeviceProperties2, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2);
        caps.info.driver = driver.driverInfo[0]
                               ? fmt::format("{} {}", driver.driverName, driver.driverInfo)
                               : std::string(driver.driverName);
    } else {
        caps.info.driver = fmt::format("driver version 0x{:x}", props.driverVersion);
    }
    if (v11) {
        const auto storage16 = query_chained<VkPhysicalDevice16BitStorageFeatures>(
            device, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES,
            vkGetPhysicalDeviceFeatures2, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2);
        caps.info.fp16_storage = storage16.storageBuffer16BitAccess == VK_TRUE;
    }

    uint32_t family_count = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(device, &family_count, nullptr);
    std::vector<VkQueueFamilyProperties> families(family_count);
    vkGetPhysicalDeviceQueueFamilyProperties(device, &family_count, families.data());
    // Prefer a compute-only family (async compute), else any family with compute.
    for (int pass = 0; pass < 2 && caps.compute_queue_family < 0; ++pass) {
        for (uint32_t i = 0; i < family_count; ++i) {
            const VkQueueFlags f = families[i].queueFlags;
            if (!(f & VK_QUEUE_COMPUTE_BIT) || families[i].queueCount == 0) continue;
            if (pass == 0 && (f & VK_QUEUE_GRAPHICS_BIT)) continue;
            caps.compute_queue_family = static_cast<int>(i);
            caps.timestamp_valid_bits = families[i].timestampValidBits;
            break;
        }
    }
    caps.info.timestamps = caps.timestamp_valid_bits > 0 && caps.timestamp_period_ns > 0;
    caps.usable = v11 && caps.compute_queue_family >= 0;
    caps.info.usable = caps.usable;
    caps.memory_budget_ext =
        v11 && device_has_extension(device, VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    return caps;
}

}  // namespace

Result<std::vector<PhysicalDeviceCaps>> enumerate_devices(const Instance& instance) {
    uint32_t count = 0;
    KZ_VK_CHECK(vkEnumeratePhysicalDevices(instance.get(), &count, nullptr));
    if (count == 0) {
        return make_error(Errc::not_found, "Vulkan: the loader lists no physical device");
    }
    std::vector<VkPhysicalDevice> devices(count);
    KZ_VK_CHECK(vkEnumeratePhysicalDevices(instance.get(), &count, devices.data()));
    std::vector<PhysicalDeviceCaps> out;
    out.reserve(count);
    for (uint32_t i = 0; i < count; ++i) out.push_back(query_caps(devices[i]));
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return type_rank(a.info.type) < type_rank(b.info.type);
    });
    return out;
}

}  // namespace kizuna::gpu
