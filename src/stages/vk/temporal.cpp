// Stage 5 on Vulkan: shaders/temporal_diff.comp, temporal_reduce.comp (the scene-cut decision,
// on the device) and temporal_blend.comp.
#include "stages/vk/temporal.hpp"

#include "stages/temporal.hpp"

namespace kizuna::stages::vk {

namespace {

constexpr uint32_t temporal_group = 16;  // temporal_diff/reduce need 256 invocations

uint32_t u(int v) {
    return static_cast<uint32_t>(v);
}

}  // namespace

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

}  // namespace kizuna::stages::vk
