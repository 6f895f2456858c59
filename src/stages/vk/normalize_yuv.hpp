// Stage 1 on Vulkan for planar Y'CbCr input (8 or 10 bits, 4:2:0 / 4:2:2 / 4:4:4): the contract
// of normalize_yuv_ref (normalize.hpp), with the decode parameters resolved on the host by the
// same resolve_yuv_decode(). The three planes go to the device as raw bytes in one buffer and
// shaders/unpack_yuv.comp decodes every pixel with the reference's arithmetic; the denoise of
// VkNormalize follows (record_denoise). The output frame has an alpha plane of 1 (device frames
// always carry one).
//
// Two phases per frame, like the other stages (vk/stages.hpp):
//  - prepare(): validates the view, sizes the buffers (re-allocated only when they grow) and
//    copies the planes into the stage's mapped staging buffer. The commands recorded for the
//    previous frame must have completed (the staging buffer is rewritten).
//  - record(): the staging -> device copy, the decode, the denoise and the inverse transfer, each
//    followed by a barrier; `out` is ready for the next stage. Allocates nothing.
#pragma once

#include "kizuna/yuv.hpp"
#include "stages/normalize.hpp"
#include "stages/stage_params.hpp"
#include "stages/vk/kernels.hpp"

namespace kizuna::stages::vk {

struct VkNormalizeYuv {
    gpu::Buffer staging;  // host: the Y, Cb, Cr planes, tight rows, one after another
    gpu::Buffer raw;      // device copy of staging
    GpuFrame unpacked;    // before the denoise
    GpuFrame out;

    Result<void> prepare(VkKernels& k, const YuvView& in, const NormalizeParams& p);
    // p must be the parameters given to prepare().
    Result<void> record(VkKernels& k, gpu::CommandBuffer& cmd, const NormalizeParams& p);

private:
    // Set by prepare() for record().
    YuvDecode decode_;
    int bit_depth_ = 8;
    int chroma_width_ = 0, chroma_height_ = 0;
    size_t raw_bytes_ = 0;
};

}  // namespace kizuna::stages::vk
