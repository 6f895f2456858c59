// The hybrid chain's own steps on Vulkan (hybrid.hpp): the model's input, made on the device and
// read back, and the AI picture, uploaded, sanitized, resampled when its size differs and
// blended in place over stage 3's frame. Two-phase use as described in vk/stages.hpp; the
// commands recorded for the previous frame must have completed before prepare() (the mapped
// host buffers are rewritten or read).
#pragma once

#include "kizuna/tensor.hpp"
#include "stages/vk/kernels.hpp"
#include "stages/vk/resample.hpp"

namespace kizuna::stages::vk {

// The model's input: shaders/hybrid_model_input.comp into fp32 planes, then a copy to the host.
struct VkModelInput {
    gpu::Buffer planes;    // device: fp32 [3][height][width]
    gpu::Buffer download;  // host copy of planes
    Result<void> prepare(VkKernels& k, int width, int height);
    // The encode of frame's R, G, B (encode_srgb: the frame holds linear light).
    Result<void> record(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& frame,
                        bool encode_srgb);
    // The copy of the planes to the host, after record().
    void record_download(gpu::CommandBuffer& cmd);
    // After the recorded work completed: copies the planes into t (check_model_input passed for
    // the frame's size).
    Result<void> read(TensorView t);

private:
    int width_ = 0, height_ = 0;
};

// The AI picture (steps 1-4 of hybrid.hpp) over stage 3's frame.
struct VkAiPicture {
    gpu::Buffer staging;   // host: the AI planes, fp32, tight, one after another
    gpu::Buffer raw;       // device copy of staging, or written on the device by the model
    GpuFrame source;       // step 1: at the AI picture's size
    GpuFrame resampled;    // step 2: at the output size (only when the sizes differ)
    GpuResampleTaps h, v;  // step 2's taps
    gpu::Buffer mid;       // step 2's intermediate
    // Copies ai (check_ai_picture passed) into staging and sizes everything for an output of
    // out_width x out_height.
    Result<void> prepare(VkKernels& k, ConstTensorView ai, int out_width, int out_height);
    // The same, sizing everything for a picture of width x height that the model writes into
    // `raw` on the device (no staging).
    Result<void> prepare_device(VkKernels& k, int width, int height, int out_width, int out_height);
    // The staging -> device copy.
    void record_upload(gpu::CommandBuffer& cmd);
    // In place of record_upload when `raw` was written on the device by earlier submissions: a
    // barrier behind them.
    void record_device_ready(gpu::CommandBuffer& cmd);
    // Steps 1-2.
    Result<void> record_resample(VkKernels& k, gpu::CommandBuffer& cmd, float anti_ringing);
    // Steps 3-4, in place over frame's R, G, B (stage 3's output; its alpha is left as is).
    // blend: strength < 1 (frame holds stage 3's colour); linear: the chain works in linear
    // light.
    Result<void> record_blend(VkKernels& k, gpu::CommandBuffer& cmd, GpuFrame& frame,
                              float strength, bool blend, bool linear);

private:
    Result<void> size_for(VkKernels& k, int width, int height, int out_width, int out_height);

    size_t bytes_ = 0;       // of the prepared picture in staging
    bool resample_ = false;  // its size differs from the output's
};

}  // namespace kizuna::stages::vk
