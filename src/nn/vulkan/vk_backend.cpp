#include "nn/vulkan/vk_backend.hpp"

#include <fmt/format.h>

#include <cstring>

#include "core/half.hpp"
#include "core/logging.hpp"
#include "kizuna/memory_budget.hpp"

namespace kizuna::nn {
namespace {

// n values from src into staging memory as the arena holds them (fp16: rounded to nearest even).
void stage_values(void* dst, const float* src, size_t n, bool fp16) {
    if (!fp16) {
        std::memcpy(dst, src, n * sizeof(float));
        return;
    }
    auto* d = static_cast<uint16_t*>(dst);
    for (size_t i = 0; i < n; ++i) d[i] = float_to_half(src[i]);
}

// Value i of arena values at src (fp16 widened exactly).
float staged_value(const void* src, size_t i, bool fp16) {
    return fp16 ? half_to_float(static_cast<const uint16_t*>(src)[i])
                : static_cast<const float*>(src)[i];
}

}  // namespace

VulkanBackend::~VulkanBackend() {
    if (context_) (void)context_->wait_idle();
}

Result<std::unique_ptr<VulkanBackend>> VulkanBackend::create(const VulkanBackendOptions& options) {
    std::unique_ptr<VulkanBackend> b(new VulkanBackend());
    b->options_ = options;
    b->options_.device = nullptr;
    if (options.device) {
        b->device_ = options.device;
    } else {
        auto device = VulkanDevice::create(nullptr, options.allow_software_device);
        KZ_TRY(device);
        b->device_ = std::move(*device);
    }
    b->context_ = &b->device_->context();
    if (options.precision == NnPrecision::fp16 && !b->context_->fp16_enabled())
        return make_error(Errc::unsupported,
                          fmt::format("Vulkan NN: precision fp16 asked for, but '{}' has no "
                                      "16-bit storage buffers (storageBuffer16BitAccess)",
                                      b->device_name()));
    b->fp16_ = options.precision != NnPrecision::fp32 && b->context_->fp16_enabled();
    b->pipelines_ =
        vk::Pipelines(*b->context_, options.fault,
                      b->fp16_ ? gpu::StoragePrecision::f16 : gpu::StoragePrecision::f32);
    auto cmd = gpu::CommandBuffer::create(*b->context_);
    KZ_TRY(cmd);
    b->cmd_ = std::move(*cmd);
    if (auto ts = gpu::TimestampPool::create(*b->context_, 2)) {
        b->timestamps_ = std::move(*ts);
        b->have_timestamps_ = true;
    }
    b->budget_ = b->context_->memory_budget();
    KZ_LOG_INFO("Vulkan NN: {} of device memory for tiles on '{}' ({}; heap {}), {}",
                format_bytes(b->budget_.bytes), b->device_name(), b->budget_.source,
                format_bytes(b->budget_.heap_bytes), nn_precision_name(b->precision()));
    return b;
}

Result<uint64_t> VulkanBackend::device_bytes(const Graph& graph, int channels, int height,
                                             int width) const {
    const std::vector<Placement> placement = vk::preferred_placement(graph);
    auto plan = make_plan(graph, channels, height, width, &placement);
    KZ_TRY(plan);
    const uint64_t arena = device_size(plan->arena_bytes);
    if (plan->arena_bytes / sizeof(float) > 0x7fffffffu ||
        arena > context_->caps().max_storage_buffer_range)
        return UINT64_MAX;
    const uint64_t input =
        device_size(sizeof(float) * static_cast<uint64_t>(channels) * height * width);
    const uint64_t weights =
        device_size(sizeof(float) * static_cast<uint64_t>(graph.parameter_count()));
    return weights + 2 * arena + input;
}

const std::string& VulkanBackend::device_name() const noexcept {
    return context_->caps().info.name;
}

Result<void> VulkanBackend::compile(const Graph& graph) {
    graph_ = nullptr;
    planned_ = false;
    weights_ = nullptr;
    auto weights = device_->weights(
        graph, cmd_, fp16_ ? gpu::StoragePrecision::f16 : gpu::StoragePrecision::f32);
    KZ_TRY(weights);
    weights_ = std::move(*weights);
    graph_ = &graph;
    fingerprint_ = graph_fingerprint(graph);
    return {};
}

Result<void> VulkanBackend::plan(int channels, int height, int width) {
    planned_ = false;
    const std::vector<Placement> placement = vk::preferred_placement(*graph_);
    auto plan = make_plan(*graph_, channels, height, width, &placement);
    KZ_TRY(plan);
    plan_ = std::move(*plan);
    const uint64_t limit = context_->caps().max_storage_buffer_range;
    // Too large for one storage buffer: out_of_memory, so that the tiler halves the tile.
    const size_t arena = device_size(plan_.arena_bytes);
    if (plan_.arena_bytes / sizeof(float) > 0x7fffffffu || arena > limit)
        return make_error(
            Errc::out_of_memory,
            fmt::format("{}: {} MB of activations for {}x{} exceed what one Vulkan "
                        "storage buffer on '{}' may address ({} MB)",
                        graph_->source, arena >> 20, width, height, device_name(), limit >> 20));
    auto steps =
        vk::build_steps(*graph_, plan_, weights_->packed, vk::fused_prelus(*graph_, plan_));
    KZ_TRY(steps);
    steps_ = std::move(*steps);
    for (const std::vector<vk::Step>& layer : steps_)
        for (const vk::Step& s : layer) KZ_TRY(pipelines_.require(s.kernel));
    const size_t bytes = std::max<size_t>(arena, 64);
    const VkBuffer old_arena = arena_.get();
    KZ_TRY(gpu::ensure_buffer(*context_, &arena_, bytes, gpu::BufferKind::device));
    KZ_TRY(gpu::ensure_buffer(*context_, &download_, bytes, gpu::BufferKind::download));
    KZ_TRY(gpu::ensure_buffer(
        *context_, &upload_,
        device_size(sizeof(float) * static_cast<size_t>(channels) * height * width),
        gpu::BufferKind::upload));
    if (arena_.get() != old_arena || !pipelines_.bound())
        KZ_TRY(pipelines_.bind(arena_, weights_->buffer));
    planned_ = true;
    return {};
}

Result<Shape> VulkanBackend::prepare(const Graph& graph, int channels, int height, int width) {
    if (graph_ != &graph || fingerprint_ != graph_fingerprint(graph)) {
        KZ_TRY(compile(graph));
        // New weights: rebind every set once the arena exists.
        if (arena_) KZ_TRY(pipelines_.bind(arena_, weights_->buffer));
    }
    if (!planned_ || plan_.input_channels != channels || plan_.input_height != height ||
        plan_.input_width != width)
        KZ_TRY(plan(channels, height, width));
    return plan_.output_shape(graph);
}

void VulkanBackend::record_layer(size_t layer) {
    for (const vk::Step& s : steps_[layer]) {
        cmd_.dispatch_groups(pipelines_.pipeline(s.kernel), pipelines_.set(s.kernel),
                             std::span(s.push.data(), s.push_size), s.groups[0], s.groups[1],
                             s.groups[2]);
        if (s.barrier_after) cmd_.barrier_compute_to_compute();
    }
}

Result<void> VulkanBackend::run(const Graph& graph, ConstTensorView input, TensorView output,
                                const RunControl& control) {
    return run_any(graph, &input, &output, input.channels, input.height, input.width, nullptr,
                   control);
}

Result<void> VulkanBackend::run_device(const Graph& graph, int channels, int height, int width,
                                       const VulkanDeviceIo& io, const RunControl& control) {
    return run_any(graph, nullptr, nullptr, channels, height, width, &io, control);
}

Result<void> VulkanBackend::run_any(const Graph& graph, const ConstTensorView* input,
                                    TensorView* output, int channels, int height, int width,
                                    const VulkanDeviceIo* io, const RunControl& control) {
    stopped_at_ = -1;
    auto shape = prepare(graph, channels, height, width);
    KZ_TRY(shape);
    const Shape& os = *shape;
    if (input != nullptr)
        KZ_TRY(check_run_views("vulkan backend", *input, plan_.input_channels, plan_.input_height,
                               plan_.input_width, *output, os));
    KZ_TRY(check_run_control("vulkan backend", graph, control));

    // Staging: the input planes (host runs only), then every override's values. A run whose
    // input and output stay on the device has io's hooks write and read the arena's blobs in
    // the arena's precision.
    const size_t in_plane = static_cast<size_t>(height) * width;
    const size_t in_bytes = device_size(sizeof(float) * in_plane * channels);
    const size_t staged_in = input != nullptr ? in_bytes : 0;
    // Override k sits after the input and overrides 0..k-1.
    auto override_count = [&](size_t k) {
        const int b = graph.layers[static_cast<size_t>(control.overrides[k].layer)].outputs[0];
        return plan_.shapes[static_cast<size_t>(b)].elements();
    };
    auto override_bytes = [&](size_t k) { return device_size(sizeof(float) * override_count(k)); };
    auto override_at = [&](size_t k) {
        size_t at = staged_in;
        for (size_t j = 0; j < k; ++j) at += override_bytes(j);
        return at;
    };
    const size_t upload_bytes = override_at(control.overrides.size());
    KZ_TRY(cmd_.wait());  // the last run's copies are done with the staging buffer
    if (upload_bytes > 0) {
        KZ_TRY(gpu::ensure_buffer(*context_, &upload_, upload_bytes, gpu::BufferKind::upload));
        auto* staging = static_cast<std::byte*>(upload_.mapped());
        for (int c = 0; input != nullptr && c < channels; ++c)
            stage_values(staging + device_size(sizeof(float) * c * in_plane), input->plane(c),
                         in_plane, fp16_);
        for (size_t k = 0; k < control.overrides.size(); ++k)
            stage_values(staging + override_at(k), control.overrides[k].values, override_count(k),
                         fp16_);
        KZ_TRY(upload_.flush());
    }

    KZ_TRY(cmd_.begin());
    if (have_timestamps_) {
        cmd_.reset_timestamps(timestamps_);
        cmd_.write_timestamp(timestamps_, 0);
    }
    const size_t in_offset = device_size(plan_.offsets[static_cast<size_t>(graph.input_blob)]);
    if (io != nullptr) {
        KZ_TRY(io->write_input(cmd_, arena_, in_offset));
        cmd_.barrier_compute_to_compute();
    } else {
        cmd_.copy_region(upload_, 0, arena_, in_offset, in_bytes);
        cmd_.barrier_transfer_to_compute();
    }
    const size_t end =
        control.stop_before < 0 ? graph.layers.size() : static_cast<size_t>(control.stop_before);
    for (size_t i = 0; i < end; ++i) {
        size_t k = 0;
        while (k < control.overrides.size() && control.overrides[k].layer != static_cast<int>(i))
            ++k;
        if (k == control.overrides.size()) {
            record_layer(i);
            continue;
        }
        const int b = graph.layers[i].outputs[0];
        cmd_.barrier_compute_to_transfer();
        cmd_.copy_region(upload_, override_at(k), arena_,
                         device_size(plan_.offsets[static_cast<size_t>(b)]), override_bytes(k));
        cmd_.barrier_transfer_to_compute();
    }
    auto bring_back = [&](int b) {
        const size_t off = device_size(plan_.offsets[static_cast<size_t>(b)]);
        cmd_.copy_region(
            arena_, off, download_, off,
            device_size(sizeof(float) * plan_.shapes[static_cast<size_t>(b)].elements()));
    };
    const size_t out_offset = device_size(plan_.offsets[static_cast<size_t>(graph.output_blob)]);
    if (control.stop_before >= 0) {
        cmd_.barrier_compute_to_transfer();
        for (int b : graph.layers[static_cast<size_t>(control.stop_before)].inputs) bring_back(b);
        cmd_.barrier_transfer_to_host();
    } else if (io != nullptr) {
        cmd_.barrier_compute_to_compute();
        KZ_TRY(io->read_output(cmd_, arena_, out_offset));
    } else {
        cmd_.barrier_compute_to_transfer();
        bring_back(graph.output_blob);
        cmd_.barrier_transfer_to_host();
    }
    if (have_timestamps_) cmd_.write_timestamp(timestamps_, 1);
    auto serial = cmd_.submit();
    KZ_TRY(serial);
    KZ_TRY(cmd_.wait());
    KZ_TRY(download_.invalidate());
    if (have_timestamps_) {
        uint64_t ticks[2] = {0, 0};
        KZ_TRY(timestamps_.read(ticks));
        last_gpu_ms_ = timestamps_.ticks_to_ms(ticks[0], ticks[1]);
    }
    if (control.stop_before >= 0) {
        stopped_at_ = control.stop_before;
        return {};
    }
    if (output == nullptr) return {};
    const std::byte* result = static_cast<const std::byte*>(download_.mapped()) + out_offset;
    const size_t out_plane = static_cast<size_t>(os.h) * os.w;
    for (int c = 0; c < os.c; ++c) {
        float* dst = output->plane(c);
        const size_t at = static_cast<size_t>(c) * out_plane;
        if (!fp16_) {
            std::memcpy(dst, result + sizeof(float) * at, sizeof(float) * out_plane);
            continue;
        }
        for (size_t i = 0; i < out_plane; ++i) dst[i] = staged_value(result, at + i, true);
    }
    return {};
}

Result<void> VulkanBackend::sum_blob(int b, int y0, int y1, int x0, int x1,
                                     std::span<double> sums) const {
    if (graph_ == nullptr) return make_error(Errc::invalid_argument, "vulkan backend: no run");
    KZ_TRY(check_sum_blob("vulkan backend", *graph_, stopped_at_, b,
                          plan_.shapes[static_cast<size_t>(b)], y0, y1, x0, x1, sums.size()));
    const Shape& s = plan_.shapes[static_cast<size_t>(b)];
    const std::byte* base = static_cast<const std::byte*>(download_.mapped()) +
                            device_size(plan_.offsets[static_cast<size_t>(b)]);
    // Per channel in the reference's row-major order, so both give the same sums.
    for (int c = 0; c < s.c; ++c) {
        double acc = 0.0;
        for (int y = y0; y < y1; ++y) {
            const size_t row = (static_cast<size_t>(c) * s.h + y) * s.w;
            for (int x = x0; x < x1; ++x) acc += staged_value(base, row + x, fp16_);
        }
        sums[static_cast<size_t>(c)] += acc;
    }
    return {};
}

Result<std::unique_ptr<Backend>> make_vulkan_backend(std::shared_ptr<VulkanDevice> device,
                                                     NnPrecision precision) {
    VulkanBackendOptions options;
    options.device = std::move(device);
    options.precision = precision;
    auto b = VulkanBackend::create(options);
    KZ_TRY(b);
    return std::unique_ptr<Backend>(std::move(*b));
}

}  // namespace kizuna::nn
