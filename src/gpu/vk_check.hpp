// The one place where VkResult values become kizuna errors. Every Vulkan call that returns a
// VkResult goes through KZ_VK_CHECK, which returns an Error naming the call and the result code
// from the enclosing function (whose return type must be Result<...>).
#pragma once

#include "gpu/vk_api.hpp"

#include "kizuna/error.hpp"

namespace kizuna::gpu {

// Stable name of a VkResult, e.g. "VK_ERROR_OUT_OF_DEVICE_MEMORY".
const char* vk_result_name(VkResult result) noexcept;

// Error for a failed call: out_of_memory for allocation failures, unsupported for missing
// drivers/features/extensions, device_error for everything else. what names the call.
Error vk_error(VkResult result, const char* what);

}  // namespace kizuna::gpu

#define KZ_VK_CHECK(call)                                                            \
    do {                                                                             \
        const VkResult kz_vk_result_ = (call);                                       \
        if (kz_vk_result_ < 0) return ::kizuna::gpu::vk_error(kz_vk_result_, #call); \
    } while (0)
