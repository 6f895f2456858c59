// Stage 2 on Vulkan: shaders/luma.comp, gradient.comp and classify.comp.
#include "stages/vk/reconstruct.hpp"

namespace kizuna::stages::vk {

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

}  // namespace kizuna::stages::vk
