// The five stages and output packing on Vulkan, as device-side steps. Each stage owns its
// device outputs and intermediates. Use in two phases per frame: prepare() for every stage
// (allocation, on size changes only, and table uploads), then record() for every stage into one
// command buffer (dispatches and barriers only: nothing is allocated while recording, so no
// buffer named by recorded commands can be re-allocated before they are submitted).
//
// Each record() leaves a compute -> compute barrier after its last write, so the next stage may
// read its output. The rules are those of the reference headers (normalize.hpp, reconstruct.hpp,
// upscale.hpp, resample.hpp, enhance.hpp, temporal.hpp, pack.hpp), with one difference in form:
// device frames always carry an alpha plane (1 where the input had none), which changes no
// value of R, G, B or packed output.
#pragma once

#include "kizuna/image.hpp"
#include "stages/resample.hpp"
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

// Stage 2: frame -> features. Disabled: zero gradients, every pixel flat.
struct VkReconstruct {
    GpuFeatures out;
    Result<void> prepare(VkKernels& k, int width, int height);
    Result<void> record(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in,
                        const ReconstructParams& p, bool enabled);
};

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

// Stage 4. features: the class map of stage 2 (any size).
struct VkEnhance {
    GpuFrame out;
    Result<void> prepare(VkKernels& k, int width, int height);
    Result<void> record(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in,
                        const GpuFeatures& features, const EnhanceParams& p, bool linear_input);
};

// Stage 5 with its history on the device (two frames, the output of a frame becomes the
// history of the next). The scene-cut decision is made on the device: no CPU wait.
struct VkTemporal {
    GpuFrame history[2];
    int current = 0;     // history[current] is H; the output goes to history[1 - current]
    bool valid = false;  // history[current] holds the previous output
    gpu::Buffer diff, partial, state;
    // A size change forgets the history.
    Result<void> prepare(VkKernels& k, int width, int height);
    Result<void> record(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in,
                        const TemporalParams& p);
    // After the recorded work was submitted and completed: the output becomes the history.
    void commit() noexcept {
        current = 1 - current;
        valid = true;
    }
    void reset() noexcept { valid = false; }
    const GpuFrame& output() const noexcept { return history[1 - current]; }
};

// Output packing: frame -> interleaved RGBA of format (tight rows, on the device).
struct VkPack {
    gpu::Buffer raw;
    Result<void> prepare(VkKernels& k, int width, int height, PixelFormat format);
    Result<void> record(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in, bool encode_srgb,
                        PixelFormat format);
};

// Bytes of a tight row of format, rounded up to 4 (device buffers hold uint32 words).
size_t packed_bytes(int width, int height, PixelFormat format) noexcept;

}  // namespace kizuna::stages::vk
