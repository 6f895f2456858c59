// The Vulkan preview chain: upload, the five stages and packing, and readback, recorded into ONE
// command buffer with barriers between the steps; the CPU waits once per frame, at the end.
// Device buffers are allocated on size changes only. GPU timestamps bracket every step.
//
// Frames can be pipelined (submit_frame / collect_frame, two deep): each of the two slots owns a
// command buffer, timestamps, the input's staging and device copies and the readback buffer, so
// the host writes frame N+1's input and reads frame N-1's output while the device runs frame N.
// The stages' intermediate frames are shared: each frame's commands start with a barrier that
// orders them after the previous frame's (one queue runs submissions in order), and the temporal
// history moves on when a frame is submitted.
//
// The hybrid chain (hybrid.hpp) takes two command buffers per frame, one per step: hybrid_begin
// records the upload, stages 1-2 and the model's input and waits for its readback; the
// normalized frame and the feature map stay on the device for hybrid_finish, which records the
// AI picture's upload, stage 3 (or its alpha alone), the AI steps, and then the preview's own
// stages 4-5, packing and readback (record_back, shared with process()). Both steps use the free
// slot, so they may run while a frame is in flight. hybrid_submit_device is the pipelined form
// of the second step: submitted into its slot without waiting, collected as submit_frame's
// frames are. The next frame's hybrid_begin starts behind it on the queue and waits for its own
// work, so the shared frames, the model's input and the AI picture are not rewritten before the
// frame in flight is done with them.
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "core/logging.hpp"
#include "stages/hybrid.hpp"
#include "stages/normalize.hpp"
#include "stages/preview_backend.hpp"
#include "stages/preview_chain.hpp"
#include "stages/vk/hybrid.hpp"
#include "stages/vk/normalize_yuv.hpp"
#include "stages/vk/preview.hpp"
#include "stages/vk/stages.hpp"

namespace kizuna::stages {

namespace {

using vk::VkKernels;

// GPU timestamps of one command buffer: start() writes the first, each mark() the end of one
// step, whose time goes to a StageTimings field. Timestamps are optional (none when the queue has
// no timestamps).
class Stamps {
public:
    static constexpr uint32_t kMax = 12;

    Stamps(gpu::TimestampPool& pool, gpu::CommandBuffer& cmd) noexcept
        : pool_(pool), cmd_(cmd), on_(pool.get() != VK_NULL_HANDLE) {}

    void start() {
        if (!on_) return;
        cmd_.reset_timestamps(pool_);
        cmd_.write_timestamp(pool_, 0);
        count_ = 1;
    }
    void mark(double StageTimings::*field) {
        if (!on_ || count_ >= kMax) return;
        cmd_.write_timestamp(pool_, count_);
        fields_[count_ - 1] = field;
        ++count_;
    }
    // After the command buffer completed: adds each step's time to its field.
    Result<void> add_to(StageTimings& t) {
        if (!on_ || count_ < 2) return {};
        uint64_t ticks[kMax] = {};
        KZ_TRY(pool_.read(std::span<uint64_t>(ticks, count_)));
        for (uint32_t i = 1; i < count_; ++i) {
            t.*fields_[i - 1] += pool_.ticks_to_ms(ticks[i - 1], ticks[i]);
        }
        return {};
    }

private:
    gpu::TimestampPool& pool_;
    gpu::CommandBuffer& cmd_;
    bool on_;
    uint32_t count_ = 0;
    double StageTimings::*fields_[kMax] = {};
};

// The AI picture of a hybrid frame: given on the host (host.data non-null), or already in
// VkAiPicture::raw on the device (device), or none.
struct AiSource {
    ConstTensorView host;
    bool device = false;
    bool used(float strength) const noexcept {
        return device ? strength > 0.0f : hybrid_uses_ai(host, strength);
    }
};

// One frame's input: exactly one of rgba, yuv.
struct Source {
    const ConstImageView* rgba = nullptr;
    const YuvView* yuv = nullptr;
    int width() const noexcept { return rgba ? rgba->width : yuv->width; }
    int height() const noexcept { return rgba ? rgba->height : yuv->height; }
};

Result<void> check_rgba_input(ConstImageView in) {
    if (in.empty() || !in.data ||
        in.stride < static_cast<ptrdiff_t>(in.width * bytes_per_pixel(in.format))) {
        return make_error(Errc::invalid_argument,
                          "preview: the input image is empty or its stride is too small");
    }
    return {};
}

class VulkanPreview final : public vk::VkPreviewBackend {
public:
    static Result<std::unique_ptr<vk::VkPreviewBackend>> create(
        const vk::VkPreviewOptions& options) {
        std::unique_ptr<VulkanPreview> p(new VulkanPreview());
        if (options.shared_context != nullptr) {
            p->context_ = options.shared_context;
        } else if (options.owned_context) {
            p->owned_context_ = options.owned_context;
            p->context_ = p->owned_context_.get();
        } else {
            auto context = gpu::Context::create(options.context);
            if (!context) return std::move(context).error();
            p->owned_context_ = std::move(*context);
            p->context_ = p->owned_context_.get();
        }
        const auto precision =
            p->context_->fp16_enabled() ? gpu::StoragePrecision::f16 : gpu::StoragePrecision::f32;
        auto kernels = VkKernels::create(*p->context_, precision);
        if (!kernels) return std::move(kernels).error();
        p->kernels_ = std::move(*kernels);
        for (Slot& slot : p->slots_) {
            auto cmd = gpu::CommandBuffer::create(*p->context_);
            if (!cmd) return std::move(cmd).error();
            slot.cmd = std::move(*cmd);
            auto timestamps = gpu::TimestampPool::create(*p->context_, Stamps::kMax);
            if (timestamps) {
                slot.timestamps = std::move(*timestamps);
            } else {
                KZ_LOG_DEBUG("Vulkan preview: no GPU timings ({})", timestamps.error().message);
            }
        }
        p->name_ = fmt::format("vulkan ({}, {})", p->context_->caps().info.name,
                               precision == gpu::StoragePrecision::f16 ? "fp16" : "fp32");
        return std::unique_ptr<vk::VkPreviewBackend>(std::move(p));
    }

    ~VulkanPreview() override {
        // Stage buffers and sets die before the context (members are destroyed in reverse order,
        // and owned_context_ is declared first); wait so nothing is pending.
        if (context_) (void)context_->wait_idle();
    }

    Result<void> process(ConstImageView in, ImageView out, const PreviewParams& params) override {
        KZ_TRY(check_preview_io(in, out, params));
        KZ_TRY(check_rgba_input(in));
        return whole_frame(Source{&in, nullptr}, out, params);
    }

    Result<void> process_yuv(const YuvView& in, ImageView out,
                             const PreviewParams& params) override {
        KZ_TRY(check_preview_out(out, params));
        return whole_frame(Source{nullptr, &in}, out, params);
    }

    Result<void> submit_frame(ConstImageView in, PixelFormat out_format,
                              const PreviewParams& params) override {
        KZ_TRY(check_rgba_input(in));
        KZ_TRY(check_out_size(params));
        return submit(Source{&in, nullptr}, out_format, params);
    }

    Result<void> submit_frame_yuv(const YuvView& in, PixelFormat out_format,
                                  const PreviewParams& params) override {
        KZ_TRY(check_out_size(params));
        return submit(Source{nullptr, &in}, out_format, params);
    }

    Result<void> collect_frame(ImageView out) override { return collect(out); }
    int frames_in_flight() const override { return in_flight_; }

    Result<void> process_to_device(ConstImageView in, const gpu::Buffer& target,
                                   const PreviewParams& params) override {
        KZ_TRY(check_rgba_input(in));
        const int ow = params.upscale.out_width, oh = params.upscale.out_height;
        if (ow < 1 || oh < 1 || !target ||
            target.size() < vk::packed_bytes(ow, oh, PixelFormat::rgba8)) {
            return make_error(Errc::invalid_argument,
                              "preview: the device target is smaller than the output picture");
        }
        return whole_frame_to_device(Source{&in, nullptr}, params, target);
    }

    Result<void> hybrid_begin(ConstImageView in, TensorView model_input,
                              const PreviewParams& params) override {
        KZ_TRY(check_rgba_input(in));
        return begin(Source{&in, nullptr}, &model_input, params);
    }

    Result<void> hybrid_begin_yuv(const YuvView& in, TensorView model_input,
                                  const PreviewParams& params) override {
        return begin(Source{nullptr, &in}, &model_input, params);
    }

    Result<void> hybrid_finish(ConstTensorView ai, float strength, ImageView out,
                               const PreviewParams& params) override {
        KZ_TRY(hybrid_.take(ai, strength, out, params));
        return finish(AiSource{ai, false}, strength, out, params);
    }

    Result<const gpu::Buffer*> hybrid_begin_device(ConstImageView in,
                                                   const PreviewParams& params) override {
        KZ_TRY(check_rgba_input(in));
        KZ_TRY(begin(Source{&in, nullptr}, nullptr, params));
        return &model_input_.planes;
    }

    Result<const gpu::Buffer*> hybrid_begin_yuv_device(const YuvView& in,
                                                       const PreviewParams& params) override {
        KZ_TRY(begin(Source{nullptr, &in}, nullptr, params));
        return &model_input_.planes;
    }

    Result<const gpu::Buffer*> hybrid_ai_target(int width, int height,
                                                const PreviewParams& params) override {
        if (width < 1 || height < 1)
            return make_error(Errc::invalid_argument, "hybrid_ai_target: empty AI picture");
        KZ_TRY(ai_.prepare_device(*kernels_, width, height, params.upscale.out_width,
                                  params.upscale.out_height));
        return &ai_.raw;
    }

    Result<void> hybrid_finish_device(float strength, ImageView out,
                                      const PreviewParams& params) override {
        KZ_TRY(hybrid_.take(ConstTensorView{}, strength, out, params));
        return finish(AiSource{{}, true}, strength, out, params);
    }

    Result<void> hybrid_submit_device(float strength, bool ai_picture, PixelFormat out_format,
                                      const PreviewParams& params) override {
        KZ_TRY(check_out_size(params));
        KZ_TRY(hybrid_.take(strength, params));
        return submit_back(AiSource{{}, ai_picture}, strength, out_format, params);
    }

    void reset_history() override { temporal_.reset(); }
    std::shared_ptr<gpu::Context> context() const override { return owned_context_; }
    std::string_view name() const override { return name_; }
    StageTimings last_timings() const override { return timings_; }
    vk::VkPreviewStats stats() const override {
        return {kernels_->buffers_allocated(), kernels_->pipelines_created(),
                kernels_->sets_created(), kernels_->precision() == gpu::StoragePrecision::f16};
    }

private:
    VulkanPreview() = default;

    // What one frame owns while it is in flight: its command buffer and timestamps, the input's
    // staging and device copies, the readback buffer. Two, used in turn, so that a frame is
    // prepared and recorded while the one before runs (submit_frame / collect_frame).
    struct Slot {
        gpu::CommandBuffer cmd;
        gpu::TimestampPool timestamps;
        gpu::Buffer upload, raw_in, download;
        vk::VkNormalizeYuv normalize_yuv;
        std::optional<Stamps> stamps;  // of the frame in flight
        PixelFormat out_format = PixelFormat::rgba8;
        int out_width = 0, out_height = 0;
    };

    static Result<void> check_out_size(const PreviewParams& params) {
        if (params.upscale.out_width >= 1 && params.upscale.out_height >= 1) return {};
        return make_error(Errc::invalid_argument, "preview: the output size is empty");
    }

    // The synchronous entry points run with no frame in flight (they record into the next slot
    // and wait for it).
    Result<void> check_idle() const {
        if (in_flight_ == 0) return {};
        return make_error(Errc::invalid_argument,
                          "preview: frames are in flight; collect them first");
    }

    // The hybrid steps need the next slot free (they record into it).
    Result<void> check_free_slot() const {
        if (in_flight_ < kFramesInFlight) return {};
        return make_error(Errc::invalid_argument,
                          "preview: two frames are in flight already; collect one first");
    }

    // process() and process_yuv(): the pipelined path, one frame deep.
    Result<void> whole_frame(const Source& src, ImageView out, const PreviewParams& params) {
        KZ_TRY(check_idle());
        KZ_TRY(submit(src, out.format, params));
        return collect(out);
    }

    // Records and submits one whole frame into the next slot without waiting. The temporal
    // history moves on at submission: the queue runs frames in submission order, and the barrier
    // at the start of each frame's commands orders them after the previous frame's.
    Result<void> submit(const Source& src, PixelFormat out_format, const PreviewParams& params) {
        KZ_TRY(check_free_slot());
        hybrid_.forget();
        Slot& s = slot();
        // Phase 1: allocation (size changes only), table uploads and the input's staging copy.
        // The slot's previous frame was collected, so its buffers are free.
        KZ_TRY(prepare_front(src, params));
        KZ_TRY(prepare_back(AiSource{}, 0.0f, out_format, params));
        // Phase 2: one command buffer for the whole frame.
        s.stamps.emplace(s.timestamps, s.cmd);
        KZ_TRY(s.cmd.begin());
        s.stamps->start();
        record_frame_start();
        KZ_TRY(record_front(src, params, *s.stamps));
        KZ_TRY(record_back(AiSource{}, 0.0f, out_format, params, *s.stamps));
        return submit_slot(out_format, params);
    }

    // hybrid_submit_device: step 2 of a hybrid frame (after begin(), which waited for its own
    // work) into the next slot, submitted without waiting, as submit() does.
    Result<void> submit_back(const AiSource& ai, float strength, PixelFormat out_format,
                             const PreviewParams& params) {
        KZ_TRY(check_free_slot());
        Slot& s = slot();
        KZ_TRY(prepare_back(ai, strength, out_format, params));
        s.stamps.emplace(s.timestamps, s.cmd);
        KZ_TRY(s.cmd.begin());
        s.stamps->start();
        record_frame_start();
        KZ_TRY(record_back(ai, strength, out_format, params, *s.stamps));
        return submit_slot(out_format, params);
    }

    // Submits the next slot's recorded frame without waiting; it is in flight from here.
    Result<void> submit_slot(PixelFormat out_format, const PreviewParams& params) {
        Slot& s = slot();
        auto serial = s.cmd.submit();
        if (!serial) return std::move(serial).error();
        kernels_->release_uploads();
        if (params.temporal_enabled) temporal_.commit();
        s.out_format = out_format;
        s.out_width = params.upscale.out_width;
        s.out_height = params.upscale.out_height;
        next_ = (next_ + 1) % kFramesInFlight;
        ++in_flight_;
        return {};
    }

    // Waits for the oldest frame in flight and reads its output back into out.
    Result<void> collect(ImageView out) {
        if (in_flight_ == 0)
            return make_error(Errc::invalid_argument, "preview: no frame is in flight");
        Slot& s = slots_[(next_ + kFramesInFlight - in_flight_) % kFramesInFlight];
        --in_flight_;
        KZ_TRY(s.cmd.wait());
        if (out.width != s.out_width || out.height != s.out_height || out.format != s.out_format) {
            return make_error(Errc::invalid_argument,
                              "preview: the output does not match the frame submitted");
        }
        timings_ = {};
        KZ_TRY(read_back(s, out));
        return s.stamps->add_to(timings_);
    }

    // The commands that start a frame: the kernels' table uploads, then a barrier that orders
    // this frame's work after the previous frame's (its stages read and write the same
    // intermediate frames, and stage 5 reads the history the previous frame wrote).
    void record_frame_start() {
        cmd().barrier_compute_to_compute();
        cmd().barrier_transfer_to_compute();
        cmd().barrier_compute_to_transfer();
        kernels_->record_uploads(cmd());
    }

    // process_to_device(): the whole chain in one command buffer, the packed output copied to
    // device_out.
    Result<void> whole_frame_to_device(const Source& src, const PreviewParams& params,
                                       const gpu::Buffer& device_out) {
        KZ_TRY(check_idle());
        hybrid_.forget();
        KZ_TRY(prepare_front(src, params));
        KZ_TRY(prepare_back(AiSource{}, 0.0f, PixelFormat::rgba8, params));
        Stamps stamps(slot().timestamps, slot().cmd);
        KZ_TRY(cmd().begin());
        stamps.start();
        record_frame_start();
        KZ_TRY(record_front(src, params, stamps));
        KZ_TRY(record_back(AiSource{}, 0.0f, PixelFormat::rgba8, params, stamps, &device_out));
        KZ_TRY(submit_and_wait());
        timings_ = {};
        if (params.temporal_enabled) temporal_.commit();
        return stamps.add_to(timings_);
    }

    // hybrid_finish and hybrid_finish_device, after the checks.
    Result<void> finish(const AiSource& ai, float strength, ImageView out,
                        const PreviewParams& params) {
        KZ_TRY(check_free_slot());
        KZ_TRY(prepare_back(ai, strength, out.format, params));
        Stamps stamps(slot().timestamps, slot().cmd);
        KZ_TRY(cmd().begin());
        stamps.start();
        record_frame_start();
        KZ_TRY(record_back(ai, strength, out.format, params, stamps));
        KZ_TRY(submit_and_wait());
        if (params.temporal_enabled) temporal_.commit();
        KZ_TRY(read_back(slot(), out));
        return stamps.add_to(timings_);
    }

    // hybrid_begin and hybrid_begin_yuv (model_input given: the model's input is read back
    // into it), and their _device forms (null: it stays in model_input_.planes).
    Result<void> begin(const Source& src, const TensorView* model_input,
                       const PreviewParams& params) {
        if (model_input != nullptr)
            KZ_TRY(check_model_input(*model_input, src.width(), src.height()));
        KZ_TRY(check_free_slot());
        hybrid_.forget();
        KZ_TRY(prepare_front(src, params));
        KZ_TRY(model_input_.prepare(*kernels_, src.width(), src.height()));
        Stamps stamps(slot().timestamps, slot().cmd);
        KZ_TRY(cmd().begin());
        stamps.start();
        record_frame_start();
        KZ_TRY(record_front(src, params, stamps));
        KZ_TRY(model_input_.record(*kernels_, cmd(), *normalized_, chain_is_linear(params)));
        stamps.mark(&StageTimings::model_input_ms);
        if (model_input != nullptr) {
            model_input_.record_download(cmd());
            stamps.mark(&StageTimings::download_ms);
        }
        KZ_TRY(submit_and_wait());
        if (model_input != nullptr) KZ_TRY(model_input_.read(*model_input));
        timings_ = {};
        KZ_TRY(stamps.add_to(timings_));
        hybrid_.begin(params);
        return {};
    }

    // Stages 1-2, phase 1: allocation, table uploads and the staging copy of the input.
    Result<void> prepare_front(const Source& src, const PreviewParams& params) {
        VkKernels& k = *kernels_;
        const int w = src.width(), h = src.height();
        const NormalizeParams np = effective_normalize(params);
        if (src.rgba) {
            const ConstImageView& in = *src.rgba;
            in_bytes_ = vk::packed_bytes(w, h, in.format);
            KZ_TRY(k.ensure_buffer(slot().upload, in_bytes_, gpu::BufferKind::upload));
            KZ_TRY(k.ensure_buffer(slot().raw_in, in_bytes_, gpu::BufferKind::device));
            KZ_TRY(normalize_.prepare(k, w, h, np));
            const size_t row = static_cast<size_t>(w) * bytes_per_pixel(in.format);
            auto* staging = static_cast<std::byte*>(slot().upload.mapped());
            for (int y = 0; y < h; ++y) std::memcpy(staging + y * row, in.row(y), row);
            KZ_TRY(slot().upload.flush());
            normalized_ = &normalize_.out;
        } else {
            KZ_TRY(slot().normalize_yuv.prepare(k, *src.yuv, np));
            normalized_ = &slot().normalize_yuv.out;
        }
        KZ_TRY(reconstruct_.prepare(k, w, h));
        in_w_ = w;
        in_h_ = h;
        return {};
    }

    // Stages 1-2, phase 2.
    Result<void> record_front(const Source& src, const PreviewParams& params, Stamps& stamps) {
        VkKernels& k = *kernels_;
        const NormalizeParams np = effective_normalize(params);
        if (src.rgba) {
            cmd().copy(slot().upload, slot().raw_in, in_bytes_);
            cmd().barrier_transfer_to_compute();
            stamps.mark(&StageTimings::upload_ms);
            KZ_TRY(normalize_.record(k, cmd(), slot().raw_in, src.rgba->format, np));
        } else {
            // The Y'CbCr stage records its own upload copy (in normalize_ms).
            stamps.mark(&StageTimings::upload_ms);
            KZ_TRY(slot().normalize_yuv.record(k, cmd(), np));
        }
        stamps.mark(&StageTimings::normalize_ms);
        KZ_TRY(reconstruct_.record(k, cmd(), *normalized_, params.reconstruct,
                                   params.reconstruct_enabled));
        stamps.mark(&StageTimings::reconstruct_ms);
        return {};
    }

    // Stage 3 (the preview's, or the hybrid one when ai takes part), stages 4-5, packing and
    // readback, phase 1.
    Result<void> prepare_back(const AiSource& ai, float strength, PixelFormat out_format,
                              const PreviewParams& params) {
        VkKernels& k = *kernels_;
        const int ow = params.upscale.out_width, oh = params.upscale.out_height;
        KZ_TRY(k.ensure_buffer(slot().download, vk::packed_bytes(ow, oh, out_format),
                               gpu::BufferKind::download));
        KZ_TRY(upscale_.prepare(k, in_w_, in_h_, params.upscale, params.upscale_enabled));
        if (ai.used(strength) && !ai.device) KZ_TRY(ai_.prepare(k, ai.host, ow, oh));
        if (chain_enhances(params)) KZ_TRY(enhance_.prepare(k, ow, oh));
        if (params.temporal_enabled) {
            KZ_TRY(temporal_.prepare(k, ow, oh));
        } else {
            temporal_.reset();
        }
        return pack_.prepare(k, ow, oh, out_format);
    }

    // Phase 2 of the same.
    Result<void> record_back(const AiSource& ai, float strength, PixelFormat out_format,
                             const PreviewParams& params, Stamps& stamps,
                             const gpu::Buffer* device_out = nullptr) {
        VkKernels& k = *kernels_;
        const bool linear = chain_is_linear(params);
        if (ai.used(strength)) {
            const bool blend = strength < 1.0f;
            if (ai.device) {
                ai_.record_device_ready(cmd());
            } else {
                ai_.record_upload(cmd());
            }
            stamps.mark(&StageTimings::upload_ms);
            if (blend) {
                KZ_TRY(upscale_.record(k, cmd(), *normalized_, reconstruct_.out, params.upscale,
                                       params.upscale_enabled));
            } else {
                KZ_TRY(upscale_.record_alpha(k, cmd(), *normalized_, params.upscale,
                                             params.upscale_enabled));
            }
            stamps.mark(&StageTimings::upscale_ms);
            KZ_TRY(ai_.record_resample(k, cmd(), params.upscale.anti_ringing));
            stamps.mark(&StageTimings::ai_resample_ms);
            KZ_TRY(ai_.record_blend(k, cmd(), upscale_.out, strength, blend, linear));
            stamps.mark(&StageTimings::ai_blend_ms);
        } else {
            KZ_TRY(upscale_.record(k, cmd(), *normalized_, reconstruct_.out, params.upscale,
                                   params.upscale_enabled));
            stamps.mark(&StageTimings::upscale_ms);
        }
        const vk::GpuFrame* cur = &upscale_.out;
        if (chain_enhances(params)) {
            KZ_TRY(enhance_.record(k, cmd(), *cur, reconstruct_.out, params.enhance, linear));
            cur = &enhance_.out;
            stamps.mark(&StageTimings::enhance_ms);
        }
        if (params.temporal_enabled) {
            KZ_TRY(temporal_.record(k, cmd(), *cur, params.temporal));
            cur = &temporal_.output();
            stamps.mark(&StageTimings::temporal_ms);
        }
        KZ_TRY(pack_.record(k, cmd(), *cur, linear, out_format));
        cmd().barrier_compute_to_transfer();
        const size_t down = vk::packed_bytes(cur->width, cur->height, out_format);
        if (device_out != nullptr) {
            cmd().copy(pack_.raw, *device_out, down);
        } else {
            cmd().copy(pack_.raw, slot().download, down);
            cmd().barrier_transfer_to_host();
        }
        stamps.mark(&StageTimings::download_ms);  // packing + readback
        return {};
    }

    Result<void> submit_and_wait() {
        auto serial = cmd().submit();
        if (!serial) return std::move(serial).error();
        kernels_->release_uploads();
        return cmd().wait();
    }

    // After the work of the frame recorded into `from` completed: its packed output, read back.
    static Result<void> read_back(Slot& from, ImageView out) {
        KZ_TRY(from.download.invalidate());
        const size_t out_row = static_cast<size_t>(out.width) * bytes_per_pixel(out.format);
        const auto* result = static_cast<const std::byte*>(from.download.mapped());
        for (int y = 0; y < out.height; ++y) {
            std::memcpy(out.row(y), result + y * out_row, out_row);
        }
        return {};
    }

    std::shared_ptr<gpu::Context> owned_context_;  // first: destroyed last (null when not owned)
    gpu::Context* context_ = nullptr;
    std::unique_ptr<VkKernels> kernels_;
    Slot& slot() noexcept { return slots_[next_]; }
    gpu::CommandBuffer& cmd() noexcept { return slots_[next_].cmd; }

    Slot slots_[kFramesInFlight];
    int next_ = 0;         // the slot the next frame is recorded into
    int in_flight_ = 0;    // submitted, not yet collected: the slots before next_
    size_t in_bytes_ = 0;  // of the RGBA input in upload_
    int in_w_ = 0, in_h_ = 0;
    vk::VkNormalize normalize_;
    const vk::GpuFrame* normalized_ = nullptr;  // stage 1's output of the current frame
    vk::VkReconstruct reconstruct_;
    vk::VkUpscale upscale_;
    vk::VkEnhance enhance_;
    vk::VkTemporal temporal_;
    vk::VkPack pack_;
    vk::VkModelInput model_input_;
    vk::VkAiPicture ai_;
    HybridState hybrid_;
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
