// Stage 2 on Vulkan (reconstruct.hpp). Two-phase use as described in vk/stages.hpp.
#pragma once

#include "stages/stage_params.hpp"
#include "stages/vk/kernels.hpp"

namespace kizuna::stages::vk {

// Stage 2: frame -> features. Disabled: zero gradients, every pixel flat.
struct VkReconstruct {
    GpuFeatures out;
    Result<void> prepare(VkKernels& k, int width, int height);
    Result<void> record(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in,
                        const ReconstructParams& p, bool enabled);
};

}  // namespace kizuna::stages::vk
