// Separable resampling on Vulkan (resample.hpp): shaders/resample_h.comp then resample_v.comp,
// with the reference's own tap tables (ResampleTaps) uploaded when the sizes change. Used by
// stage 3 (vk/upscale.hpp) and the hybrid chain's AI picture (vk/hybrid.hpp).
#pragma once

#include "stages/resample.hpp"
#include "stages/vk/kernels.hpp"

namespace kizuna::stages::vk {

// One axis' taps on the device (words: index, weight bits, lo, hi; see resample_h.comp).
struct GpuResampleTaps {
    gpu::Buffer buffer;
    int in = 0, out = 0;
    ResampleFilter filter = ResampleFilter::bicubic;
    int taps = 0;
};

// (Re)builds the taps and queues their upload when the sizes or the filter changed (prepare
// phase; allocates only then).
Result<void> ensure_resample_taps(VkKernels& k, GpuResampleTaps& t, int in, int out,
                                  ResampleFilter filter);

// Records the resample of planes first_plane .. first_plane + planes - 1 of src into the same
// planes of dst, whose width and height are the target size. h / v: taps from src's width /
// height to dst's; mid: fp32 room for planes * src.height * dst.width values. clamp01 clamps the
// result to [0, 1]. Leaves a compute -> compute barrier after each pass.
Result<void> record_resample(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& src,
                             GpuFrame& dst, int first_plane, int planes, const GpuResampleTaps& h,
                             const GpuResampleTaps& v, const gpu::Buffer& mid, float anti_ringing,
                             bool clamp01);

}  // namespace kizuna::stages::vk
