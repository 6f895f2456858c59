// Separable resampling on Vulkan (vk/resample.hpp).
#include "stages/vk/resample.hpp"

#include <bit>
#include <vector>

namespace kizuna::stages::vk {

namespace {

uint32_t u(int v) {
    return static_cast<uint32_t>(v);
}

}  // namespace

Result<void> ensure_resample_taps(VkKernels& k, GpuResampleTaps& t, int in, int out,
                                  ResampleFilter filter) {
    if (t.buffer && t.in == in && t.out == out && t.filter == filter) return {};
    ResampleTaps taps;
    taps.build(in, out, filter);
    const size_t n = static_cast<size_t>(taps.count) * taps.taps;
    std::vector<uint32_t> words(2 * n + 2 * static_cast<size_t>(taps.count));
    for (size_t i = 0; i < n; ++i) {
        words[i] = static_cast<uint32_t>(taps.index[i]);
        words[n + i] = std::bit_cast<uint32_t>(taps.weight[i]);
    }
    for (int o = 0; o < taps.count; ++o) {
        words[2 * n + o] = static_cast<uint32_t>(taps.lo[o]);
        words[2 * n + taps.count + o] = static_cast<uint32_t>(taps.hi[o]);
    }
    KZ_TRY(k.ensure_buffer(t.buffer, words.size() * sizeof(uint32_t), gpu::BufferKind::device));
    KZ_TRY(k.queue_upload(words, t.buffer));
    t.in = in;
    t.out = out;
    t.filter = filter;
    t.taps = taps.taps;
    return {};
}

Result<void> record_resample(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& src,
                             GpuFrame& dst, int first_plane, int planes, const GpuResampleTaps& h,
                             const GpuResampleTaps& v, const gpu::Buffer& mid, float anti_ringing,
                             bool clamp01) {
    const int iw = src.width, ih = src.height, ow = dst.width, oh = dst.height;
    const struct {
        int32_t out_w, in_h, in_w;
        float anti_ringing;
    } hpush{ow, ih, iw, anti_ringing};
    KZ_TRY(k.dispatch(cmd, "resample_h", {u(h.taps), u(first_plane), u(planes)},
                      {src.buffer.get(), h.buffer.get(), mid.get()}, hpush, ow, ih));
    cmd.barrier_compute_to_compute();
    const struct {
        int32_t out_w, out_h, in_h;
        float anti_ringing;
        int32_t clamp01;
    } vpush{ow, oh, ih, anti_ringing, clamp01 ? 1 : 0};
    KZ_TRY(k.dispatch(cmd, "resample_v", {u(v.taps), u(first_plane), u(planes)},
                      {mid.get(), v.buffer.get(), dst.buffer.get()}, vpush, ow, oh));
    cmd.barrier_compute_to_compute();
    return {};
}

}  // namespace kizuna::stages::vk
