// Stage 4 on Vulkan (enhance.hpp). Two-phase use as described in vk/stages.hpp.
#pragma once

#include "stages/stage_params.hpp"
#include "stages/vk/kernels.hpp"

namespace kizuna::stages::vk {

// Stage 4. features: the class map of stage 2 (any size).
struct VkEnhance {
    GpuFrame out;
    Result<void> prepare(VkKernels& k, int width, int height);
    Result<void> record(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in,
                        const GpuFeatures& features, const EnhanceParams& p, bool linear_input);
};

}  // namespace kizuna::stages::vk
