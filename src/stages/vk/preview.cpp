// The Vulkan preview chain: upload, the five stages and packing, and readback, recorded into ONE
// command buffer with barriers between the steps; the CPU waits once per frame, at the end.
// Device buffers are allocated on size changes only. GPU timestamps bracket every step.
#include <cstring>

#include <fmt/format.h>

#include "core/logging.hpp"
#include "stages/preview_backend.hpp"
#include "stages/preview_chain.hpp"
#include "stages/vk/preview.hpp"
#include "stages/vk/stages.hpp"

namespace kizuna::stages {

namespace {

using vk::VkKernels;

// Timestamp slots: before upload, after upload, after each stage, after pack + readback.
enum Slot : uint32_t {
    ts_begin,
    ts_upload,
    ts_normalize,
    ts_reconstruct,
    ts_upscale,
    ts_enhance,
    ts_temporal,
    ts_download,
    ts_count
};

class VulkanPreview final : public vk::VkPreviewBackend {
public:
    static Result<std::unique_ptr<vk::VkPreviewBackend>> create(
        const vk::VkPreviewOptions& options) {
        auto context = gpu::Context::create(options.context);
        if (!context) return std::move(context).error();
        std::unique_ptr<VulkanPreview> p(new VulkanPreview());
        p->context_ = std::move(*context);
        const auto precision =
            p->context_->fp16_enabled() ? gpu::StoragePrecision::f16 : gpu::StoragePrecision::f32;
        auto kernels = VkKernels::create(*p->context_, precision);
        if (!kernels) return std::move(kernels).error();
        p->kernels_ = std::move(*kernels);
        auto cmd = gpu::CommandBuffer::create(*p->context_);
        if (!cmd) return std::move(cmd).error();
        p->cmd_ = std::move(*cmd);
        auto timestamps = gpu::TimestampPool::create(*p->context_, ts_count);
        if (timestamps) {
            p->timestamps_ = std::move(*timestamps);
        } else {
            KZ_LOG_DEBUG("Vulkan preview: no GPU timings ({})", timestamps.error().message);
        }
        p->name_ = fmt::format("vulkan ({}, {})", p->context_->caps().info.name,
                               precision == gpu::StoragePrecision::f16 ? "fp16" : "fp32");
        return std::unique_ptr<vk::VkPreviewBackend>(std::move(p));
    }

    ~VulkanPreview() override {
        // Stage buffers and sets die before the context (members are destroyed in reverse order,
        // and context_ is declared first); wait so nothing is pending.
        if (context_) (void)context_->wait_idle();
    }

    Result<void> process(ConstImageView in, ImageView out, const PreviewParams& params) override {
        KZ_TRY(check_preview_io(in, out, params));
        if (!in.data || in.stride < static_cast<ptrdiff_t>(in.width * bytes_per_pixel(in.format))) {
            return make_error(Errc::invalid_argument, "preview: input stride is too small");
        }
        const int w = in.width, h = in.height;
        const int ow = params.upscale.out_width, oh = params.upscale.out_height;
        const NormalizeParams np = effective_normalize(params);
        const bool linear = chain_is_linear(params);
        const bool enhance = chain_enhances(params);
        VkKernels& k = *kernels_;

        // Phase 1: allocation (size changes only) and table uploads.
        const size_t in_bytes = vk::packed_bytes(w, h, in.format);
        const size_t out_bytes = vk::packed_bytes(ow, oh, out.format);
        KZ_TRY(k.ensure_buffer(upload_, in_bytes, gpu::BufferKind::upload));
        KZ_TRY(k.ensure_buffer(raw_in_, in_bytes, gpu::BufferKind::device));
        KZ_TRY(k.ensure_buffer(download_, out_bytes, gpu::BufferKind::download));
        KZ_TRY(normalize_.prepare(k, w, h, np));
        KZ_TRY(reconstruct_.prepare(k, w, h));
        KZ_TRY(upscale_.prepare(k, w, h, params.upscale, params.upscale_enabled));
        if (enhance) KZ_TRY(enhance_.prepare(k, ow, oh));
        if (params.temporal_enabled) {
            KZ_TRY(temporal_.prepare(k, ow, oh));
        } else {
            temporal_.reset();
        }
        KZ_TRY(pack_.prepare(k, ow, oh, out.format));

        const size_t row = static_cast<size_t>(w) * bytes_per_pixel(in.format);
        auto* staging = static_cast<std::byte*>(upload_.mapped());
        for (int y = 0; y < h; ++y) std::memcpy(staging + y * row, in.row(y), row);
        KZ_TRY(upload_.flush());

        // Phase 2: one command buffer for the whole frame.
        gpu::CommandBuffer& cmd = cmd_;
        KZ_TRY(cmd.begin());
        const bool timed = static_cast<bool>(timestamps_.get());
        auto stamp = [&](Slot s) {
            if (timed) cmd.write_timestamp(timestamps_, s);
        };
        if (timed) cmd.reset_timestamps(timestamps_);
        stamp(ts_begin);
        k.record_uploads(cmd);
        VkBufferCopy up{0, 0, in_bytes};
        vkCmdCopyBuffer(cmd.get(), upload_.get(), raw_in_.get(), 1, &up);
        cmd.barrier_transfer_to_compute();
        stamp(ts_upload);
        KZ_TRY(normalize_.record(k, cmd, raw_in_, in.format, np));
        stamp(ts_normalize);
        KZ_TRY(reconstruct_.record(k, cmd, normalize_.out, params.reconstruct,
                                   params.reconstruct_enabled));
        stamp(ts_reconstruct);
        KZ_TRY(upscale_.record(k, cmd, normalize_.out, reconstruct_.out, params.upscale,
                               params.upscale_enabled));
        stamp(ts_upscale);
        const vk::GpuFrame* cur = &upscale_.out;
        if (enhance) {
            KZ_TRY(enhance_.record(k, cmd, *cur, reconstruct_.out, params.enhance, linear));
            cur = &enhance_.out;
        }
        stamp(ts_enhance);
        if (params.temporal_enabled) {
            KZ_TRY(temporal_.record(k, cmd, *cur, params.temporal));
            cur = &temporal_.output();
        }
        stamp(ts_temporal);
        KZ_TRY(pack_.record(k, cmd, *cur, linear, out.format));
        cmd.barrier_compute_to_transfer();
        VkBufferCopy down{0, 0, out_bytes};
        vkCmdCopyBuffer(cmd.get(), pack_.raw.get(), download_.get(), 1, &down);
        cmd.barrier_transfer_to_host();
        stamp(ts_download);
        auto serial = cmd.submit();
        if (!serial) return std::move(serial).error();
        k.release_uploads();
        KZ_TRY(cmd.wait());
        if (params.temporal_enabled) temporal_.commit();

        KZ_TRY(download_.invalidate());
        const size_t out_row = static_cast<size_t>(ow) * bytes_per_pixel(out.format);
        const auto* result = static_cast<const std::byte*>(download_.mapped());
        for (int y = 0; y < oh; ++y) std::memcpy(out.row(y), result + y * out_row, out_row);

        timings_ = {};
        if (timed) {
            uint64_t t[ts_count] = {};
            KZ_TRY(timestamps_.read(t));
            auto ms = [&](Slot a, Slot b) { return timestamps_.ticks_to_ms(t[a], t[b]); };
            timings_.upload_ms = ms(ts_begin, ts_upload);
            timings_.normalize_ms = ms(ts_upload, ts_normalize);
            timings_.reconstruct_ms = ms(ts_normalize, ts_reconstruct);
            timings_.upscale_ms = ms(ts_reconstruct, ts_upscale);
            timings_.enhance_ms = enhance ? ms(ts_upscale, ts_enhance) : 0.0;
            timings_.temporal_ms = params.temporal_enabled ? ms(ts_enhance, ts_temporal) : 0.0;
            timings_.download_ms = ms(ts_temporal, ts_download);  // packing + readback
        }
        return {};
    }

    void reset_history() override { temporal_.reset(); }
    std::string_view name() const override { return name_; }
    StageTimings last_timings() const override { return timings_; }
    vk::VkPreviewStats stats() const override {
        return {kernels_->buffers_allocated(), kernels_->pipelines_created(),
                kernels_->sets_created(), kernels_->precision() == gpu::StoragePrecision::f16};
    }

private:
    VulkanPreview() = default;

    std::unique_ptr<gpu::Context> context_;  // first: destroyed last
    std::unique_ptr<VkKernels> kernels_;
    gpu::CommandBuffer cmd_;
    gpu::TimestampPool timestamps_;
    gpu::Buffer upload_, raw_in_, download_;
    vk::VkNormalize normalize_;
    vk::VkReconstruct reconstruct_;
    vk::VkUpscale upscale_;
    vk::VkEnhance enhance_;
    vk::VkTemporal temporal_;
    vk::VkPack pack_;
    StageTimings timings_;
    std::string name_;
};

}  // namespace

namespace vk {
Result<std::unique_ptr<VkPreviewBackend>> make_vk_preview(const VkPreviewOptions& options) {
    return VulkanPreview::create(options);
}
}  // namespace vk

Result<std::unique_ptr<PreviewBackend>> make_vulkan_preview() {
    auto p = VulkanPreview::create({});
    if (!p) return std::move(p).error();
    return std::unique_ptr<PreviewBackend>(std::move(*p));
}

}  // namespace kizuna::stages
