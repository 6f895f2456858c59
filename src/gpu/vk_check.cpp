#include "gpu/vk_check.hpp"

#include <fmt/format.h>

namespace kizuna::gpu {

const char* vk_result_name(VkResult result) noexcept {
    switch (result) {
#define KZ_VK_CASE(x) \
    case x:           \
        return #x;
        KZ_VK_CASE(VK_SUCCESS)
        KZ_VK_CASE(VK_NOT_READY)
        KZ_VK_CASE(VK_TIMEOUT)
        KZ_VK_CASE(VK_EVENT_SET)
        KZ_VK_CASE(VK_EVENT_RESET)
        KZ_VK_CASE(VK_INCOMPLETE)
        KZ_VK_CASE(VK_ERROR_OUT_OF_HOST_MEMORY)
        KZ_VK_CASE(VK_ERROR_OUT_OF_DEVICE_MEMORY)
        KZ_VK_CASE(VK_ERROR_INITIALIZATION_FAILED)
        KZ_VK_CASE(VK_ERROR_DEVICE_LOST)
        KZ_VK_CASE(VK_ERROR_MEMORY_MAP_FAILED)
        KZ_VK_CASE(VK_ERROR_LAYER_NOT_PRESENT)
        KZ_VK_CASE(VK_ERROR_EXTENSION_NOT_PRESENT)
        KZ_VK_CASE(VK_ERROR_FEATURE_NOT_PRESENT)
        KZ_VK_CASE(VK_ERROR_INCOMPATIBLE_DRIVER)
        KZ_VK_CASE(VK_ERROR_TOO_MANY_OBJECTS)
        KZ_VK_CASE(VK_ERROR_FORMAT_NOT_SUPPORTED)
        KZ_VK_CASE(VK_ERROR_FRAGMENTED_POOL)
        KZ_VK_CASE(VK_ERROR_UNKNOWN)
        KZ_VK_CASE(VK_ERROR_OUT_OF_POOL_MEMORY)
        KZ_VK_CASE(VK_ERROR_INVALID_EXTERNAL_HANDLE)
        KZ_VK_CASE(VK_ERROR_FRAGMENTATION)
        KZ_VK_CASE(VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS)
#undef KZ_VK_CASE
        default:
            return "VK_ERROR_(unknown)";
    }
}

Error vk_error(VkResult result, const char* what) {
    Errc code = Errc::device_error;
    switch (result) {
        case VK_ERROR_OUT_OF_HOST_MEMORY:
        case VK_ERROR_OUT_OF_DEVICE_MEMORY:
        case VK_ERROR_OUT_OF_POOL_MEMORY:
        case VK_ERROR_FRAGMENTED_POOL:
        case VK_ERROR_FRAGMENTATION:
            code = Errc::out_of_memory;
            break;
        case VK_ERROR_INCOMPATIBLE_DRIVER:
        case VK_ERROR_EXTENSION_NOT_PRESENT:
        case VK_ERROR_FEATURE_NOT_PRESENT:
        case VK_ERROR_LAYER_NOT_PRESENT:
            code = Errc::unsupported;
            break;
        default:
            break;
    }
    return make_error(code, fmt::format("Vulkan: {} failed: {} ({})", what, vk_result_name(result),
                                        static_cast<int>(result)));
}

}  // namespace kizuna::gpu
