// Output packing on Vulkan: shaders/pack.comp.
#include "stages/vk/pack.hpp"

namespace kizuna::stages::vk {

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
