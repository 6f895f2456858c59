// Stages 1, 2, 4, 5 and packing on Vulkan (stage 3 is in vk/upscale.cpp).
#include <algorithm>
#include <cmath>

#include "stages/enhance.hpp"
#include "stages/normalize.hpp"
#include "stages/temporal.hpp"
#include "stages/vk/stages.hpp"

namespace kizuna::stages::vk {

namespace {

uint32_t u(int v) {
    return static_cast<uint32_t>(v);
}

uint32_t format_code(PixelFormat f) {
    switch (f) {
        case PixelFormat::rgba8:
            return 0;
        case PixelFormat::rgba16f:
            return 1;
        case PixelFormat::rgba32f:
            return 2;
    }
    return 0;
}

}  // namespace

size_t packed_bytes(int width, int height, PixelFormat format) noexcept {
    return (static_cast<size_t>(width) * height * bytes_per_pixel(format) + 3) / 4 * 4;
}

// ---- Stage 1 ----------------------------------------------------------------------------

Result<void> VkNormalize::prepare(VkKernels& k, int width, int height, const NormalizeParams& p) {
    if (p.denoise_strength > 0.0f) KZ_TRY(k.ensure_frame(unpacked, width, height));
    return k.ensure_frame(out, width, height);
}

Result<void> VkNormalize::record(VkKernels& k, gpu::CommandBuffer& cmd, const gpu::Buffer& raw,
                                 PixelFormat format, const NormalizeParams& p) {
    const int w = out.width, h = out.height;
    const bool denoise = p.denoise_strength > 0.0f;
    const struct {
        int32_t width, height, linear_light;
    } unpack_push{w, h, (!denoise && p.linear_light) ? 1 : 0};
    GpuFrame& first = denoise ? unpacked : out;
    KZ_TRY(k.dispatch(cmd, "unpack", {format_code(format)}, {raw.get(), first.buffer.get()},
                      unpack_push, w, h));
    cmd.barrier_compute_to_compute();
    if (denoise) KZ_TRY(record_denoise(k, cmd, unpacked, out, p, p.linear_light));
    return {};
}

Result<void> record_denoise(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in,
                            GpuFrame& out, const NormalizeParams& p, bool linear_srgb) {
    // The shader computes the spatial weights itself; the parameters are the host's.
    const DenoiseWeights dw = denoise_weights(p);
    struct {
        int32_t width, height;
        float range_scale, spatial_den;
        int32_t radius, linear_light;
    } push{in.width, in.height, dw.range_scale, dw.spatial_den, dw.radius, linear_srgb ? 1 : 0};
    KZ_TRY(k.dispatch(cmd, "denoise", {}, {in.buffer.get(), out.buffer.get()}, push, in.width,
                      in.height));
    cmd.barrier_compute_to_compute();
    return {};
}

// ---- Stage 2 ----------------------------------------------------------------------------

Result<void> VkReconstruct::prepare(VkKernels& k, int width, int height) {
    return k.ensure_features(out, width, height);
}

Result<void> VkReconstruct::record(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in,
                                   const ReconstructParams& p, bool enabled) {
    const int w = in.width, h = in.height;
    if (!enabled) {
        // Zero gradients and class 0 (flat) are all-zero bits.
        vkCmdFillBuffer(cmd.get(), out.planes.get(), 0, VK_WHOLE_SIZE, 0);
        vkCmdFillBuffer(cmd.get(), out.cls.get(), 0, VK_WHOLE_SIZE, 0);
        cmd.barrier_transfer_to_compute();
        return {};
    }
    const struct { int32_t width, height; } size{w, h};
    KZ_TRY(k.dispatch(cmd, "luma", {}, {in.buffer.get(), out.planes.get()}, size, w, h));
    cmd.barrier_compute_to_compute();
    KZ_TRY(k.dispatch(cmd, "gradient", {}, {out.planes.get()}, size, w, h));
    cmd.barrier_compute_to_compute();
    struct {
        int32_t width, height;
        float edge_threshold, line_threshold;
    } push{w, h, p.edge_threshold, p.line_threshold};
    KZ_TRY(k.dispatch(cmd, "classify", {}, {out.planes.get(), out.cls.get()}, push, w, h));
    cmd.barrier_compute_to_compute();
    return {};
}

// ---- Stage 4 ----------------------------------------------------------------------------

Result<void> VkEnhance::prepare(VkKernels& k, int width, int height) {
    return k.ensure_frame(out, width, height);
}

Result<void> VkEnhance::record(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in,
                               const GpuFeatures& features, const EnhanceParams& p,
                               bool linear_input) {
    const int w = in.width, h = in.height;
    struct {
        int32_t width, height, cls_width, cls_height;
        float contrast, line_darken, saturation, sharpen;
        int32_t linear_input, use_cls;
        float darken;
    } push{w,
           h,
           features.width,
           features.height,
           p.contrast,
           p.line_darken,
           p.saturation,
           p.sharpen,
           linear_input ? 1 : 0,
           1,
           1.0f - enhance_line_darken_scale * p.line_darken};
    KZ_TRY(k.dispatch(cmd, "enhance", {}, {in.buffer.get(), features.cls.get(), out.buffer.get()},
                      push, w, h));
    cmd.barrier_compute_to_compute();
    return {};
}

// ---- Stage 5 ----------------------------------------------------------------------------

namespace {
constexpr uint32_t temporal_group = 16;  // temporal_diff/reduce need 256 invocations
}

Result<void> VkTemporal::prepare(VkKernels& k, int width, int height) {
    if (history[current].width != width || history[current].height != height) valid = false;
    KZ_TRY(k.ensure_frame(history[0], width, height));
    KZ_TRY(k.ensure_frame(history[1], width, height));
    const size_t n = static_cast<size_t>(width) * height;
    const size_t groups = static_cast<size_t>((width + temporal_group - 1) / temporal_group) *
                          ((height + temporal_group - 1) / temporal_group);
    KZ_TRY(k.ensure_buffer(diff, n * sizeof(float), gpu::BufferKind::device));
    KZ_TRY(k.ensure_buffer(partial, groups * sizeof(float), gpu::BufferKind::device));
    KZ_TRY(k.ensure_buffer(state, 16, gpu::BufferKind::device));
    return {};
}

Result<void> VkTemporal::record(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in,
                                const TemporalParams& p) {
    const int w = in.width, h = in.height;
    const GpuFrame& hist = history[current];
    GpuFrame& out = history[1 - current];
    if (valid) {
        const struct { int32_t width, height; } size{w, h};
        KZ_TRY(k.dispatch(cmd, "temporal_diff", {},
                          {in.buffer.get(), hist.buffer.get(), diff.get(), partial.get()}, size, w,
                          h, temporal_group, temporal_group));
        cmd.barrier_compute_to_compute();
        const uint32_t gx = (u(w) + temporal_group - 1) / temporal_group;
        const uint32_t gy = (u(h) + temporal_group - 1) / temporal_group;
        struct {
            int32_t count;
            float inv_pixels, scene_cut_threshold;
            int32_t has_history;
        } push{static_cast<int32_t>(gx * gy), 1.0f / (static_cast<float>(w) * h),
               p.scene_cut_threshold, 1};
        KZ_TRY(k.dispatch(cmd, "temporal_reduce", {}, {partial.get(), state.get()}, push, 256, 1,
                          256, 1));
        cmd.barrier_compute_to_compute();
    } else {
        vkCmdFillBuffer(cmd.get(), state.get(), 0, 4, 1u);  // reset: out = E
        cmd.barrier_transfer_to_compute();
    }
    struct {
        int32_t width, height;
        float strength, slope;
    } push{w, h, p.strength, temporal_slope(p)};
    KZ_TRY(
        k.dispatch(cmd, "temporal_blend", {},
                   {in.buffer.get(), hist.buffer.get(), diff.get(), state.get(), out.buffer.get()},
                   push, w, h));
    cmd.barrier_compute_to_compute();
    return {};
}

// ---- Packing ----------------------------------------------------------------------------

Result<void> VkPack::prepare(VkKernels& k, int width, int height, PixelFormat format) {
    return k.ensure_buffer(raw, packed_bytes(width, height, format), gpu::BufferKind::device);
}

Result<void> VkPack::record(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in,
                            bool encode_srgb, PixelFormat format) {
    const int w = in.width, h = in.height;
    struct {
        int32_t width, height, encode_srgb;
    } push{w, h, encode_srgb ? 1 : 0};
    KZ_TRY(
        k.dispatch(cmd, "pack", {format_code(format)}, {in.buffer.get(), raw.get()}, push, w, h));
    cmd.barrier_compute_to_compute();
    return {};
}

}  // namespace kizuna::stages::vk
