// Stage 3 on Vulkan: edge-directed x2 steps (gradients recomputed between steps), then a final
// separable lanczos3 resample or a clamped copy (vk/resample.hpp); alpha resampled once with
// bicubic.
#include <algorithm>
#include <vector>

#include "stages/resample.hpp"
#include "stages/upscale.hpp"
#include "stages/upscale_kernel.hpp"
#include "stages/vk/upscale.hpp"

namespace kizuna::stages::vk {

Result<void> VkUpscale::prepare(VkKernels& k, int in_w, int in_h, const UpscaleParams& p,
                                bool enabled) {
    const int ow = p.out_width, oh = p.out_height;
    const int steps = enabled ? upscale_steps(in_w, in_h, ow, oh) : 0;
    const int cur_w = in_w << steps, cur_h = in_h << steps;
    if (steps > 0) {
        KZ_TRY(k.ensure_frame(step[0], cur_w, cur_h));
        if (steps > 1) {
            KZ_TRY(k.ensure_frame(step[1], cur_w, cur_h));
            KZ_TRY(k.ensure_features(features, cur_w / 2, cur_h / 2));
        }
    }
    KZ_TRY(k.ensure_frame(out, ow, oh));
    const bool resample_rgb = !enabled || cur_w != ow || cur_h != oh;
    if (resample_rgb) {
        KZ_TRY(ensure_resample_taps(k, rgb_h, cur_w, ow, ResampleFilter::lanczos3));
        KZ_TRY(ensure_resample_taps(k, rgb_v, cur_h, oh, ResampleFilter::lanczos3));
    }
    KZ_TRY(ensure_resample_taps(k, alpha_h, in_w, ow, ResampleFilter::bicubic));
    KZ_TRY(ensure_resample_taps(k, alpha_v, in_h, oh, ResampleFilter::bicubic));
    const size_t mid_floats =
        std::max(static_cast<size_t>(cur_h) * ow * 3, static_cast<size_t>(in_h) * ow);
    return k.ensure_buffer(mid, mid_floats * sizeof(float), gpu::BufferKind::device);
}

Result<void> VkUpscale::record(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in,
                               const GpuFeatures& feats, const UpscaleParams& p, bool enabled) {
    const int ow = p.out_width, oh = p.out_height;
    out.width = ow;
    out.height = oh;
    if (!enabled) {
        KZ_TRY(record_resample(k, cmd, in, out, 0, 3, rgb_h, rgb_v, mid, p.anti_ringing, false));
        return record_alpha(k, cmd, in, p, enabled);
    }
    const int steps = upscale_steps(in.width, in.height, ow, oh);
    // The x2 step's weights and constants, computed here exactly as the reference does.
    struct {
        int32_t width, height;  // input of the step
        float anti_ringing, edge_sharpness;
        float edge_lo, edge_hi, align_lo, tiny;
        float lanczos[12];  // phase 0.75 taps -2..3, then phase 0.25
        float catmull[8];   // Catmull-Rom weights of d0..d3, phase 0.75 then 0.25
    } push{};
    push.anti_ringing = p.anti_ringing;
    push.edge_sharpness = p.edge_sharpness;
    push.edge_lo = upscale2x::edge_lo;
    push.edge_hi = upscale2x::edge_hi;
    push.align_lo = upscale2x::align_lo;
    push.tiny = upscale2x::tiny;
    upscale2x::lanczos3_weights(0.75f, push.lanczos);
    upscale2x::lanczos3_weights(0.25f, push.lanczos + 6);
    for (int parity = 0; parity < 2; ++parity) {
        const float fx = parity ? 0.25f : 0.75f;
        float* cr = push.catmull + 4 * parity;
        cr[0] = upscale2x::catmull_rom(fx + 1.0f);
        cr[1] = upscale2x::catmull_rom(fx);
        cr[2] = upscale2x::catmull_rom(1.0f - fx);
        cr[3] = upscale2x::catmull_rom(2.0f - fx);
    }
    struct {
        int32_t width, height;
    } size{0, 0};
    const GpuFrame* cur = &in;
    const GpuFeatures* cur_feat = &feats;
    for (int s = 0; s < steps; ++s) {
        const int w = cur->width, h = cur->height;
        size = {w, h};
        if (s > 0) {
            // Gradients of the intermediate picture (classes are not needed by the x2 step).
            features.width = w;
            features.height = h;
            KZ_TRY(k.dispatch(cmd, "luma", {}, {cur->buffer.get(), features.planes.get()}, size, w,
                              h));
            cmd.barrier_compute_to_compute();
            KZ_TRY(k.dispatch(cmd, "gradient", {}, {features.planes.get()}, size, w, h));
            cmd.barrier_compute_to_compute();
            cur_feat = &features;
        }
        GpuFrame& dst = step[s % 2];
        dst.width = 2 * w;
        dst.height = 2 * h;
        push.width = w;
        push.height = h;
        KZ_TRY(k.dispatch(cmd, "upscale2x", {},
                          {cur->buffer.get(), cur_feat->planes.get(), dst.buffer.get()}, push,
                          2 * w, 2 * h));
        cmd.barrier_compute_to_compute();
        cur = &dst;
    }
    if (cur->width == ow && cur->height == oh) {
        size = {ow, oh};
        KZ_TRY(
            k.dispatch(cmd, "copy_clamp", {}, {cur->buffer.get(), out.buffer.get()}, size, ow, oh));
        cmd.barrier_compute_to_compute();
    } else {
        KZ_TRY(record_resample(k, cmd, *cur, out, 0, 3, rgb_h, rgb_v, mid, p.anti_ringing, true));
    }
    return record_alpha(k, cmd, in, p, enabled);
}

Result<void> VkUpscale::record_alpha(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in,
                                     const UpscaleParams& p, bool enabled) {
    out.width = p.out_width;
    out.height = p.out_height;
    return record_resample(k, cmd, in, out, 3, 1, alpha_h, alpha_v, mid, 1.0f, enabled);
}

}  // namespace kizuna::stages::vk
