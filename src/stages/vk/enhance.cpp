// Stage 4 on Vulkan: shaders/enhance.comp.
#include "stages/vk/enhance.hpp"

#include "stages/enhance.hpp"

namespace kizuna::stages::vk {

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

}  // namespace kizuna::stages::vk
