// Stage 3 on Vulkan (upscale.hpp, resample.hpp). Two-phase use as described in vk/stages.hpp.
#pragma once

#include "stages/resample.hpp"
#include "stages/stage_params.hpp"
#include "stages/vk/kernels.hpp"

namespace kizuna::stages::vk {

// Stage 3: frame + features -> frame of p.out_width x out_height. Disabled: plain lanczos3
// resample (preview_chain.hpp's plain_resample_ref).
struct VkUpscale {
    struct Taps {
        gpu::Buffer buffer;
        int in = 0, out = 0;
        ResampleFilter filter = ResampleFilter::bicubic;
        int taps = 0;
    };
    GpuFrame step[2];      // x2 steps ping-pong
    GpuFeatures features;  // gradients of intermediate steps
    gpu::Buffer mid;       // fp32 intermediate of the separable resample
    Taps rgb_h, rgb_v, alpha_h, alpha_v;
    GpuFrame out;
    Result<void> prepare(VkKernels& k, int in_width, int in_height, const UpscaleParams& p,
                         bool enabled);
    Result<void> record(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in,
                        const GpuFeatures& features, const UpscaleParams& p, bool enabled);

private:
    Result<void> resample(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& src,
                          int first_plane, int planes, const Taps& h, const Taps& v,
                          float anti_ringing, bool clamp01);
};

}  // namespace kizuna::stages::vk
