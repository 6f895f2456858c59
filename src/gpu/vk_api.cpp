#include "gpu/vk_api.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <cstdlib>
#include <mutex>
#include <string>

#define KZ_VK_DEFINE(name) PFN_##name name = nullptr;
KZ_VK_DEFINE(vkGetInstanceProcAddr)
KZ_VK_GLOBAL_FUNCTIONS(KZ_VK_DEFINE)
KZ_VK_INSTANCE_FUNCTIONS(KZ_VK_DEFINE)
KZ_VK_SURFACE_FUNCTIONS(KZ_VK_DEFINE)
KZ_VK_DEVICE_FUNCTIONS(KZ_VK_DEFINE)
KZ_VK_SWAPCHAIN_FUNCTIONS(KZ_VK_DEFINE)
#undef KZ_VK_DEFINE

namespace kizuna::gpu {
namespace {

constexpr const char* kDefaultLoader = "libvulkan.so.1";

const char* loader_file() {
    const char* env = std::getenv(kVulkanLoaderEnv);
    return env && *env ? env : kDefaultLoader;
}

// Opens `file` and finds vkGetInstanceProcAddr in it. The handle is never closed.
Result<PFN_vkGetInstanceProcAddr> open_loader(const char* file, void** handle) {
    *handle = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (!*handle) {
        const char* why = dlerror();
        // dlerror() names the file first ("libvulkan.so.1: cannot open shared object file: No
        // such file or directory"); when it does not, name it here.
        std::string reason = why ? why : "dlopen failed";
        if (reason.rfind(file, 0) != 0) reason = fmt::format("{}: {}", file, reason);
        return make_error(Errc::unsupported, fmt::format("no Vulkan loader ({})", reason));
    }
    auto* gipa =
        reinterpret_cast<PFN_vkGetInstanceProcAddr>(dlsym(*handle, "vkGetInstanceProcAddr"));
    if (!gipa) {
        dlclose(*handle);
        *handle = nullptr;
        return make_error(Errc::unsupported,
                          fmt::format("no Vulkan loader ({} has no vkGetInstanceProcAddr)", file));
    }
    return gipa;
}

struct LoaderState {
    std::once_flag loader_once;
    Result<void> loader_result;
    std::mutex instance_mutex;
    bool instance_loaded = false;
};

LoaderState& state() {
    static LoaderState s;
    return s;
}

Result<void> load_loader_once() {
    const char* file = loader_file();
    void* handle = nullptr;
    auto gipa = open_loader(file, &handle);
    KZ_TRY(gipa);
    vkGetInstanceProcAddr = *gipa;
#define KZ_VK_LOAD_GLOBAL(name) \
    name = reinterpret_cast<PFN_##name>(vkGetInstanceProcAddr(VK_NULL_HANDLE, #name));
    KZ_VK_GLOBAL_FUNCTIONS(KZ_VK_LOAD_GLOBAL)
#undef KZ_VK_LOAD_GLOBAL
    if (!vkCreateInstance) {
        return make_error(Errc::unsupported,
                          fmt::format("the Vulkan loader {} lacks vkCreateInstance", file));
    }
    return {};
}

}  // namespace

Result<void> load_vulkan_loader() {
    LoaderState& s = state();
    std::call_once(s.loader_once, [&] { s.loader_result = load_loader_once(); });
    return s.loader_result;
}

Result<void> load_vulkan_instance_functions(VkInstance instance) {
    LoaderState& s = state();
    const std::lock_guard lock(s.instance_mutex);
#define KZ_VK_LOAD(name)                                                                    \
    if (!name) name = reinterpret_cast<PFN_##name>(vkGetInstanceProcAddr(instance, #name)); \
    if (!name) missing = #name;
    if (!s.instance_loaded) {
        const char* missing = nullptr;
        KZ_VK_INSTANCE_FUNCTIONS(KZ_VK_LOAD)
        KZ_VK_DEVICE_FUNCTIONS(KZ_VK_LOAD)
        if (missing) {
            return make_error(Errc::unsupported,
                              fmt::format("the Vulkan loader {} lacks {} (Vulkan 1.1 is needed)",
                                          loader_file(), missing));
        }
        s.instance_loaded = true;
    }
    {
        [[maybe_unused]] const char* missing = nullptr;
        KZ_VK_SURFACE_FUNCTIONS(KZ_VK_LOAD)
        KZ_VK_SWAPCHAIN_FUNCTIONS(KZ_VK_LOAD)
    }
#undef KZ_VK_LOAD
    return {};
}

bool vk_surface_functions_loaded() noexcept {
#define KZ_VK_PRESENT(name) &&name != nullptr
    return true KZ_VK_SURFACE_FUNCTIONS(KZ_VK_PRESENT);
}

bool vk_swapchain_functions_loaded() noexcept {
    return true KZ_VK_SWAPCHAIN_FUNCTIONS(KZ_VK_PRESENT);
#undef KZ_VK_PRESENT
}

Result<void> try_open_vulkan_loader(const char* file) {
    void* handle = nullptr;
    auto gipa = open_loader(file, &handle);
    KZ_TRY(gipa);
    dlclose(handle);
    return {};
}

}  // namespace kizuna::gpu
