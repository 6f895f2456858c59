#include "stages/vk/kernels.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "core/enum_names.hpp"

namespace kizuna::stages::vk {

size_t packed_bytes(int width, int height, PixelFormat format) noexcept {
    return (static_cast<size_t>(width) * height * bytes_per_pixel(format) + 3) / 4 * 4;
}

uint32_t format_code(PixelFormat format) noexcept {
    // The format codes of the unpack and pack shaders.
    return enum_lookup<PixelFormat::rgba32f, uint32_t>(format, {0, 1, 2}, 0);
}

Result<std::unique_ptr<VkKernels>> VkKernels::create(gpu::Context& context,
                                                     gpu::StoragePrecision precision) {
    if (precision == gpu::StoragePrecision::f16 && !context.fp16_enabled()) {
        return make_error(
            Errc::unsupported,
            fmt::format("Vulkan: '{}' has no 16-bit storage buffers", context.caps().info.name));
    }
    std::unique_ptr<VkKernels> k(new VkKernels());
    k->context_ = &context;
    k->precision_ = precision;
    return k;
}

Result<void> VkKernels::ensure_buffer(gpu::Buffer& buffer, size_t bytes, gpu::BufferKind kind) {
    if (buffer && buffer.size() >= bytes) return {};
    if (kind == gpu::BufferKind::device && bytes > context_->caps().max_storage_buffer_range) {
        return make_error(Errc::unsupported,
                          fmt::format("Vulkan: '{}' binds at most {} bytes per storage buffer, a "
                                      "frame needs {} (use a smaller output size)",
                                      context_->caps().info.name,
                                      context_->caps().max_storage_buffer_range, bytes));
    }
    // The old buffer may be named by cached sets: drop them all (re-created lazily).
    sets_.clear();
    ++buffers_allocated_;
    return gpu::ensure_buffer(*context_, &buffer, bytes, kind);
}

Result<void> VkKernels::ensure_frame(GpuFrame& frame, int width, int height) {
    KZ_TRY(ensure_buffer(frame.buffer, static_cast<size_t>(width) * height * 4 * value_size(),
                         gpu::BufferKind::device));
    frame.width = width;
    frame.height = height;
    return {};
}

Result<void> VkKernels::ensure_features(GpuFeatures& features, int width, int height) {
    const size_t n = static_cast<size_t>(width) * height;
    KZ_TRY(ensure_buffer(features.planes, n * 4 * sizeof(float), gpu::BufferKind::device));
    KZ_TRY(ensure_buffer(features.cls, n * sizeof(uint32_t), gpu::BufferKind::device));
    features.width = width;
    features.height = height;
    return {};
}

Result<void> VkKernels::dispatch_raw(gpu::CommandBuffer& cmd, std::string_view shader,
                                     std::initializer_list<uint32_t> spec,
                                     std::initializer_list<VkBuffer> buffers,
                                     std::span<const std::byte> push, uint32_t width,
                                     uint32_t height, uint32_t local_x, uint32_t local_y) {
    PipelineKey key;
    if (spec.size() > key.spec.size() || buffers.size() > 6 || buffers.size() == 0) {
        return make_error(Errc::internal, fmt::format("Vulkan: bad dispatch of '{}'", shader));
    }
    key.shader = shader;
    std::copy(spec.begin(), spec.end(), key.spec.begin());
    key.spec_count = static_cast<uint32_t>(spec.size());
    key.local_x = local_x;
    key.local_y = local_y;
    key.buffers = static_cast<uint32_t>(buffers.size());
    key.push = static_cast<uint32_t>(push.size());
    auto it = pipelines_.find(key);
    if (it == pipelines_.end()) {
        gpu::ComputePipelineParams params;
        params.name =
            fmt::format("{}_{}", shader, precision_ == gpu::StoragePrecision::f16 ? "f16" : "f32");
        params.spirv = gpu::shader_spirv(shader, precision_);
        if (params.spirv.empty()) {
            return make_error(Errc::internal, fmt::format("Vulkan: no shader '{}'", shader));
        }
        params.buffer_count = key.buffers;
        params.push_constant_size = key.push;
        params.specialization = std::span(key.spec.data(), key.spec_count);
        params.local_x = local_x;
        params.local_y = local_y;
        params.max_sets = 16;
        auto pipeline = gpu::ComputePipeline::create(*context_, params);
        if (!pipeline) return std::move(pipeline).error();
        it = pipelines_.emplace(key, std::move(*pipeline)).first;
        ++pipelines_created_;
    }
    SetKey set_key;
    set_key.pipeline = it->second.pipeline();
    std::copy(buffers.begin(), buffers.end(), set_key.buffers.begin());
    auto sit = sets_.find(set_key);
    if (sit == sets_.end()) {
        auto set = it->second.allocate_set(std::span(buffers.begin(), buffers.size()));
        if (!set) return std::move(set).error();
        sit = sets_.emplace(set_key, std::move(*set)).first;
        ++sets_created_;
    }
    cmd.dispatch(it->second, sit->second, push, width, height);
    return {};
}

Result<void> VkKernels::queue_upload(std::span<const uint32_t> words, const gpu::Buffer& dst) {
    if (words.size_bytes() > dst.size()) {
        return make_error(Errc::internal, "Vulkan: upload larger than its destination");
    }
    auto staging = gpu::Buffer::create(*context_, {words.size_bytes(), gpu::BufferKind::upload});
    if (!staging) return std::move(staging).error();
    std::memcpy(staging->mapped(), words.data(), words.size_bytes());
    KZ_TRY(staging->flush());
    pending_.push_back({staging_.size(), &dst, words.size_bytes()});
    staging_.push_back(std::move(*staging));
    return {};
}

void VkKernels::record_uploads(gpu::CommandBuffer& cmd) {
    if (pending_.empty()) return;
    for (const auto& p : pending_) cmd.copy(staging_[p.staging], *p.dst, p.bytes);
    pending_.clear();
    cmd.barrier_transfer_to_compute();
}

}  // namespace kizuna::stages::vk
