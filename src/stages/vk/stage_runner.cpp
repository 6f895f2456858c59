#include "stages/vk/stage_runner.hpp"

#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "stages/normalize.hpp"
#include "stages/pack.hpp"
#include "stages/upscale.hpp"
#include "stages/vk/frame_io.hpp"

namespace kizuna::stages::vk {

Result<std::unique_ptr<VkStageRunner>> VkStageRunner::create(gpu::Context& context,
                                                             gpu::StoragePrecision precision) {
    std::unique_ptr<VkStageRunner> r(new VkStageRunner());
    auto kernels = VkKernels::create(context, precision);
    if (!kernels) return std::move(kernels).error();
    r->kernels_ = std::move(*kernels);
    auto cmd = gpu::CommandBuffer::create(context);
    if (!cmd) return std::move(cmd).error();
    r->cmd_ = std::move(*cmd);
    return r;
}

Result<void> VkStageRunner::upload_frame(const PlanarFrame& in, GpuFrame& dst) {
    KZ_TRY(kernels_->ensure_frame(dst, in.width(), in.height()));
    std::vector<uint32_t> words;
    frame_to_words(in, kernels_->precision(), words);
    return kernels_->queue_upload(words, dst.buffer);
}

Result<void> VkStageRunner::upload_features(const FeatureMap& in, GpuFeatures& dst) {
    KZ_TRY(kernels_->ensure_features(dst, in.width(), in.height()));
    std::vector<uint32_t> planes, cls;
    features_to_words(in, planes, cls);
    KZ_TRY(kernels_->queue_upload(planes, dst.planes));
    return kernels_->queue_upload(cls, dst.cls);
}

Result<void> VkStageRunner::begin() {
    KZ_TRY(cmd_.begin());
    kernels_->record_uploads(cmd_);
    return {};
}

Result<void> VkStageRunner::finish(
    std::initializer_list<std::pair<const gpu::Buffer*, size_t>> downloads) {
    cmd_.barrier_compute_to_transfer();
    size_t offset = 0;
    for (const auto& [buffer, bytes] : downloads) {
        cmd_.copy_region(*buffer, 0, download_, offset, bytes);
        offset += bytes;
    }
    cmd_.barrier_transfer_to_host();
    auto serial = cmd_.submit();
    if (!serial) return std::move(serial).error();
    KZ_TRY(cmd_.wait());
    kernels_->release_uploads();
    return download_.invalidate();
}

template <class Record>
Result<void> VkStageRunner::round_trip(
    std::initializer_list<std::pair<const gpu::Buffer*, size_t>> downloads, Record&& record) {
    size_t total = 0;
    for (const auto& d : downloads) total += d.second;
    KZ_TRY(kernels_->ensure_buffer(download_, total, gpu::BufferKind::download));
    KZ_TRY(begin());
    KZ_TRY(record());
    return finish(downloads);
}

Result<void> VkStageRunner::download_frame(const GpuFrame& frame, size_t offset, PlanarFrame& out) {
    return words_to_frame(static_cast<const std::byte*>(download_.mapped()) + offset, frame.width,
                          frame.height, kernels_->precision(), out);
}

namespace {
size_t frame_bytes(const GpuFrame& f, const VkKernels& k) {
    return static_cast<size_t>(f.width) * f.height * 4 * k.value_size();
}
}  // namespace

Result<void> VkStageRunner::normalize(ConstImageView in, const NormalizeParams& p,
                                      PlanarFrame& out) {
    KZ_TRY(validate_rgba(in));
    const size_t row = static_cast<size_t>(in.width) * bytes_per_pixel(in.format);
    std::vector<uint32_t> words(packed_bytes(in.width, in.height, in.format) / 4);
    for (int y = 0; y < in.height; ++y) {
        std::memcpy(reinterpret_cast<std::byte*>(words.data()) + y * row, in.row(y), row);
    }
    KZ_TRY(kernels_->ensure_buffer(raw_, words.size() * 4, gpu::BufferKind::device));
    KZ_TRY(kernels_->queue_upload(words, raw_));
    KZ_TRY(normalize_.prepare(*kernels_, in.width, in.height, p));
    const size_t bytes = frame_bytes(normalize_.out, *kernels_);
    KZ_TRY(round_trip({{&normalize_.out.buffer, bytes}},
                      [&] { return normalize_.record(*kernels_, cmd_, raw_, in.format, p); }));
    return download_frame(normalize_.out, 0, out);
}

Result<void> VkStageRunner::reconstruct(const PlanarFrame& in, const ReconstructParams& p,
                                        bool enabled, FeatureMap& out) {
    KZ_TRY(upload_frame(in, in_frame_));
    KZ_TRY(reconstruct_.prepare(*kernels_, in.width(), in.height()));
    const size_t n = static_cast<size_t>(in.width()) * in.height();
    KZ_TRY(round_trip({{&reconstruct_.out.planes, n * 16}, {&reconstruct_.out.cls, n * 4}},
                      [&] { return reconstruct_.record(*kernels_, cmd_, in_frame_, p, enabled); }));
    const auto* base = static_cast<const std::byte*>(download_.mapped());
    return words_to_features(base, base + n * 16, in.width(), in.height(), out);
}

Result<void> VkStageRunner::upscale(const PlanarFrame& in, const FeatureMap& features,
                                    const UpscaleParams& p, bool enabled, PlanarFrame& out) {
    KZ_TRY(check_upscale_size(p));
    KZ_TRY(upload_frame(in, in_frame_));
    KZ_TRY(upload_features(features, in_features_));
    KZ_TRY(upscale_.prepare(*kernels_, in.width(), in.height(), p, enabled));
    const size_t bytes =
        static_cast<size_t>(p.out_width) * p.out_height * 4 * kernels_->value_size();
    KZ_TRY(round_trip({{&upscale_.out.buffer, bytes}}, [&] {
        return upscale_.record(*kernels_, cmd_, in_frame_, in_features_, p, enabled);
    }));
    return download_frame(upscale_.out, 0, out);
}

Result<void> VkStageRunner::enhance(const PlanarFrame& in, const FeatureMap& features,
                                    const EnhanceParams& p, bool linear_input, PlanarFrame& out) {
    KZ_TRY(upload_frame(in, in_frame_));
    KZ_TRY(upload_features(features, in_features_));
    KZ_TRY(enhance_.prepare(*kernels_, in.width(), in.height()));
    const size_t bytes = frame_bytes(enhance_.out, *kernels_);
    KZ_TRY(round_trip({{&enhance_.out.buffer, bytes}}, [&] {
        return enhance_.record(*kernels_, cmd_, in_frame_, in_features_, p, linear_input);
    }));
    return download_frame(enhance_.out, 0, out);
}

Result<void> VkStageRunner::temporal(const PlanarFrame& in, const TemporalParams& p,
                                     PlanarFrame& out) {
    KZ_TRY(upload_frame(in, in_frame_));
    KZ_TRY(temporal_.prepare(*kernels_, in.width(), in.height()));
    const size_t bytes = frame_bytes(in_frame_, *kernels_);
    KZ_TRY(round_trip({{&temporal_.output().buffer, bytes}},
                      [&] { return temporal_.record(*kernels_, cmd_, in_frame_, p); }));
    temporal_.commit();
    // After commit the output is history[current].
    return download_frame(temporal_.history[temporal_.current], 0, out);
}

Result<void> VkStageRunner::pack(const PlanarFrame& in, bool encode_srgb, ImageView out) {
    KZ_TRY(check_pack_io(in, out));
    KZ_TRY(upload_frame(in, in_frame_));
    KZ_TRY(pack_.prepare(*kernels_, in.width(), in.height(), out.format));
    const size_t bytes = packed_bytes(in.width(), in.height(), out.format);
    KZ_TRY(round_trip({{&pack_.raw, bytes}}, [&] {
        return pack_.record(*kernels_, cmd_, in_frame_, encode_srgb, out.format);
    }));
    const size_t row = static_cast<size_t>(out.width) * bytes_per_pixel(out.format);
    for (int y = 0; y < out.height; ++y) {
        std::memcpy(out.row(y), static_cast<const std::byte*>(download_.mapped()) + y * row, row);
    }
    return {};
}

}  // namespace kizuna::stages::vk
