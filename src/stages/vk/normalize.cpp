// Stage 1 on Vulkan: shaders/unpack.comp, then shaders/denoise.comp when denoising.
#include "stages/vk/normalize.hpp"

#include "stages/normalize.hpp"

namespace kizuna::stages::vk {

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

}  // namespace kizuna::stages::vk
