// Output packing on Vulkan (pack.hpp). Two-phase use as described in vk/stages.hpp.
#pragma once

#include "kizuna/image.hpp"
#include "stages/vk/kernels.hpp"

namespace kizuna::stages::vk {

// Output packing: frame -> interleaved RGBA of format (tight rows, on the device).
struct VkPack {
    gpu::Buffer raw;
    Result<void> prepare(VkKernels& k, int width, int height, PixelFormat format);
    Result<void> record(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in, bool encode_srgb,
                        PixelFormat format);
};

}  // namespace kizuna::stages::vk
