// Stage 3 on Vulkan (upscale.hpp, resample.hpp). Two-phase use as described in vk/stages.hpp.
#pragma once

#include "stages/stage_params.hpp"
#include "stages/vk/kernels.hpp"
#include "stages/vk/resample.hpp"

namespace kizuna::stages::vk {

// Stage 3: frame + features -> frame of p.out_width x out_height. Disabled: plain lanczos3
// resample (preview_chain.hpp's plain_resample_ref).
struct VkUpscale {
    using Taps = GpuResampleTaps;
    GpuFrame step[2];      // x2 steps ping-pong
    GpuFeatures features;  // gradients of intermediate steps
    gpu::Buffer mid;       // fp32 intermediate of the separable resample
    Taps rgb_h, rgb_v, alpha_h, alpha_v;
    GpuFrame out;
    Result<void> prepare(VkKernels& k, int in_width, int in_height, const UpscaleParams& p,
                         bool enabled);
    Result<void> record(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in,
                        const GpuFeatures& features, const UpscaleParams& p, bool enabled);
    // Stage 3's alpha alone into out's alpha plane, exactly as record() makes it (out's colour
    // planes are left as they are). Needs the same prepare().
    Result<void> record_alpha(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in,
                              const UpscaleParams& p, bool enabled);
};

}  // namespace kizuna::stages::vk
