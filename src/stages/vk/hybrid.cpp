// The hybrid chain's own steps on Vulkan (vk/hybrid.hpp): shaders/hybrid_model_input.comp,
// hybrid_ai_in.comp, the resample of vk/resample.hpp and hybrid_blend.comp.
#include "stages/vk/hybrid.hpp"

#include <cstring>

namespace kizuna::stages::vk {

Result<void> VkModelInput::prepare(VkKernels& k, int width, int height) {
    const size_t bytes = 3 * static_cast<size_t>(width) * height * sizeof(float);
    KZ_TRY(k.ensure_buffer(planes, bytes, gpu::BufferKind::device));
    KZ_TRY(k.ensure_buffer(download, bytes, gpu::BufferKind::download));
    width_ = width;
    height_ = height;
    return {};
}

Result<void> VkModelInput::record(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& frame,
                                  bool encode_srgb) {
    const struct {
        int32_t width, height, encode_srgb;
    } push{frame.width, frame.height, encode_srgb ? 1 : 0};
    KZ_TRY(k.dispatch(cmd, "hybrid_model_input", {}, {frame.buffer.get(), planes.get()}, push,
                      frame.width, frame.height));
    cmd.barrier_compute_to_compute();
    return {};
}

void VkModelInput::record_download(gpu::CommandBuffer& cmd) {
    cmd.barrier_compute_to_transfer();
    cmd.copy(planes, download, 3 * static_cast<size_t>(width_) * height_ * sizeof(float));
    cmd.barrier_transfer_to_host();
}

Result<void> VkModelInput::read(TensorView t) {
    KZ_TRY(download.invalidate());
    const size_t n = static_cast<size_t>(width_) * height_;
    const auto* src = static_cast<const float*>(download.mapped());
    for (int c = 0; c < 3; ++c) std::memcpy(t.plane(c), src + c * n, n * sizeof(float));
    return {};
}

Result<void> VkAiPicture::size_for(VkKernels& k, int width, int height, int out_width,
                                   int out_height) {
    bytes_ = 3 * static_cast<size_t>(width) * height * sizeof(float);
    KZ_TRY(k.ensure_buffer(raw, bytes_, gpu::BufferKind::device));
    KZ_TRY(k.ensure_frame(source, width, height));
    resample_ = width != out_width || height != out_height;
    if (resample_) {
        KZ_TRY(k.ensure_frame(resampled, out_width, out_height));
        KZ_TRY(ensure_resample_taps(k, h, width, out_width, ResampleFilter::lanczos3));
        KZ_TRY(ensure_resample_taps(k, v, height, out_height, ResampleFilter::lanczos3));
        const size_t mid_floats = 3 * static_cast<size_t>(height) * out_width;
        KZ_TRY(k.ensure_buffer(mid, mid_floats * sizeof(float), gpu::BufferKind::device));
    }
    return {};
}

Result<void> VkAiPicture::prepare_device(VkKernels& k, int width, int height, int out_width,
                                         int out_height) {
    return size_for(k, width, height, out_width, out_height);
}

Result<void> VkAiPicture::prepare(VkKernels& k, ConstTensorView ai, int out_width, int out_height) {
    const size_t n = static_cast<size_t>(ai.width) * ai.height;
    KZ_TRY(size_for(k, ai.width, ai.height, out_width, out_height));
    KZ_TRY(k.ensure_buffer(staging, bytes_, gpu::BufferKind::upload));
    auto* dst = static_cast<float*>(staging.mapped());
    for (int c = 0; c < 3; ++c) std::memcpy(dst + c * n, ai.plane(c), n * sizeof(float));
    return staging.flush();
}

void VkAiPicture::record_upload(gpu::CommandBuffer& cmd) {
    cmd.copy(staging, raw, bytes_);
    cmd.barrier_transfer_to_compute();
}

void VkAiPicture::record_device_ready(gpu::CommandBuffer& cmd) {
    cmd.barrier_compute_to_compute();
}

Result<void> VkAiPicture::record_resample(VkKernels& k, gpu::CommandBuffer& cmd,
                                          float anti_ringing) {
    const struct { int32_t width, height; } push{source.width, source.height};
    KZ_TRY(k.dispatch(cmd, "hybrid_ai_in", {}, {raw.get(), source.buffer.get()}, push, source.width,
                      source.height));
    cmd.barrier_compute_to_compute();
    if (!resample_) return {};
    return vk::record_resample(k, cmd, source, resampled, 0, 3, h, v, mid, anti_ringing, false);
}

Result<void> VkAiPicture::record_blend(VkKernels& k, gpu::CommandBuffer& cmd, GpuFrame& frame,
                                       float strength, bool blend, bool linear) {
    const GpuFrame& picture = resample_ ? resampled : source;
    const struct {
        int32_t width, height;
        float strength;
        int32_t blend, decode_srgb;
    } push{frame.width, frame.height, strength, blend ? 1 : 0, linear ? 1 : 0};
    KZ_TRY(k.dispatch(cmd, "hybrid_blend", {}, {picture.buffer.get(), frame.buffer.get()}, push,
                      frame.width, frame.height));
    cmd.barrier_compute_to_compute();
    return {};
}

}  // namespace kizuna::stages::vk
