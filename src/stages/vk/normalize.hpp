// Stage 1 on Vulkan for RGBA input (normalize.hpp), and the denoise step it shares with the
// Y'CbCr input (vk/normalize_yuv.hpp). Two-phase use as described in vk/stages.hpp.
#pragma once

#include "kizuna/image.hpp"
#include "stages/stage_params.hpp"
#include "stages/vk/kernels.hpp"

namespace kizuna::stages::vk {

// Stage 1: interleaved RGBA (tight rows, on the device) -> frame. Planar Y'CbCr input:
// VkNormalizeYuv (vk/normalize_yuv.hpp).
struct VkNormalize {
    GpuFrame unpacked;  // before the denoise
    GpuFrame out;
    Result<void> prepare(VkKernels& k, int width, int height, const NormalizeParams& p);
    Result<void> record(VkKernels& k, gpu::CommandBuffer& cmd, const gpu::Buffer& raw,
                        PixelFormat format, const NormalizeParams& p);
};

// Stage 1, step 3 (the denoise of normalize.hpp): in -> out (same size, distinct buffers), alpha
// copied; then the inverse sRGB transfer of R, G, B when linear_srgb. Used by VkNormalize and
// VkNormalizeYuv (vk/normalize_yuv.hpp).
Result<void> record_denoise(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in,
                            GpuFrame& out, const NormalizeParams& p, bool linear_srgb);

}  // namespace kizuna::stages::vk
