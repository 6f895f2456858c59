#include "nn/xnnpack/xnnpack_backend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <thread>

#include "core/aligned.hpp"
#include "core/logging.hpp"
#include "nn/direct/direct_conv.hpp"

namespace kizuna::nn {

void XnnpackBackend::FreeArena::operator()(float* p) const noexcept {
    detail::aligned_free(p);
}

XnnpackBackend::~XnnpackBackend() = default;

Result<std::unique_ptr<XnnpackBackend>> XnnpackBackend::create(int threads, bool direct_conv,
                                                               std::shared_ptr<ThreadPool> pool) {
    KZ_TRY(xnn_init_once());
    if (!pool) {
        auto own = ThreadPool::create(resolve_thread_count(threads));
        if (!own) return std::move(own).error();
        pool = std::make_shared<ThreadPool>(std::move(*own));
    }
    std::unique_ptr<XnnpackBackend> backend(new XnnpackBackend());
    backend->pool_ = std::move(pool);
    backend->direct_conv_ = direct_conv;
    return backend;
}

Result<void> XnnpackBackend::compile(const Graph& graph) {
    steps_.clear();
    fallbacks_.clear();
    graph_ = nullptr;
    planned_ = false;
    const size_t n = graph.layers.size();
    // Pixel shuffle after a convolution whose only reader it is: permute that convolution's
    // output channels so XNNPACK's depth-to-space yields ncnn order (no extra pass).
    std::vector<xnn::StepHints> hints(n);
    for (size_t i = 0; i < n; ++i) {
        const Layer& l = graph.layers[i];
        const PixelShuffleParams* ps = l.get<PixelShuffleParams>();
        if (ps == nullptr || ps->mode != 0 || l.inputs.size() != 1) continue;
        const Blob& b = graph.blobs[static_cast<size_t>(l.inputs[0])];
        if (b.producer < 0 || b.consumers.size() != 1) continue;
        const Layer& prod = graph.layers[static_cast<size_t>(b.producer)];
        const ConvolutionParams* cp = prod.get<ConvolutionParams>();
        const int rr = ps->upscale_factor * ps->upscale_factor;
        if (prod.type != LayerType::convolution || cp == nullptr || prod.outputs.size() != 1 ||
            cp->num_output % rr != 0 || cp->group != 1) {
            continue;
        }
        hints[static_cast<size_t>(b.producer)].shuffle_permute_r = ps->upscale_factor;
        hints[i].shuffle_pre_permuted = true;
    }
    // PReLU whose input is a convolution's output read by nothing else: offer its slopes to the
    // convolution (the direct kernel applies them in its epilogue).
    std::vector<bool> prelu_candidate(n, false);
    for (size_t i = 0; i < n; ++i) {
        const Layer& l = graph.layers[i];
        hints[i].allow_direct_conv = direct_conv_;
        if (l.type != LayerType::prelu || l.inputs.size() != 1 || l.outputs.size() != 1) continue;
        const Blob& b = graph.blobs[static_cast<size_t>(l.inputs[0])];
        if (b.producer < 0 || b.consumers.size() != 1 || l.inputs[0] == graph.input_blob) continue;
        const Layer& prod = graph.layers[static_cast<size_t>(b.producer)];
        if (prod.type != LayerType::convolution || prod.outputs.size() != 1) continue;
        hints[static_cast<size_t>(b.producer)].prelu_slopes = &l.weights;
        prelu_candidate[i] = true;
    }
    // Channel concat read only by direct-kernel convolutions: elided; those convolutions read
    // its inputs as segments (no copy). Not for the graph output or a concat of elided concats.
    placement_.assign(n, Placement::own);
    std::string why;
    for (size_t i = 0; i < n; ++i) {
        const Layer& l = graph.layers[i];
        const ConcatParams* cp = l.get<ConcatParams>();
        if (l.type != LayerType::concat || cp == nullptr || cp->axis != 0 ||
            l.outputs.size() != 1 || l.inputs.empty() ||
            l.inputs.size() > static_cast<size_t>(direct::PackedConv::max_segments()) ||
            l.outputs[0] == graph.output_blob) {
            continue;
        }
        const Blob& out = graph.blobs[static_cast<size_t>(l.outputs[0])];
        bool ok = !out.consumers.empty();
        for (int c : out.consumers) {
            const Layer& reader = graph.layers[static_cast<size_t>(c)];
            ok = ok && reader.inputs.size() == 1 &&
                 xnn::direct_conv_qualifies(reader, direct_conv_, why);
        }
        for (int b : l.inputs) {
            const int p = graph.blobs[static_cast<size_t>(b)].producer;
            ok = ok && placement_[static_cast<size_t>(p)] != Placement::elided;
        }
        if (ok) placement_[i] = Placement::elided;
    }
    for (size_t i = 0; i < n; ++i) {
        const Layer& l = graph.layers[i];
        if (placement_[i] == Placement::elided) {
            steps_.push_back(xnn::make_noop_step());
            continue;
        }
        if (prelu_candidate[i]) {
            const int p = graph.blobs[static_cast<size_t>(l.inputs[0])].producer;
            if (steps_[static_cast<size_t>(p)]->absorbed_prelu()) {
                steps_.push_back(xnn::make_noop_step());
                placement_[i] = Placement::in_place;
                continue;
            }
        }
        if (hints[i].shuffle_pre_permuted) {
            // Only if the convolution really runs with the permuted weights (XNNPACK or direct).
            const int p = graph.blobs[static_cast<size_t>(l.inputs[0])].producer;
            if (steps_[static_cast<size_t>(p)]->kind() == xnn::StepKind::reference) {
                hints[i].shuffle_pre_permuted = false;
            }
        }
        auto step = xnn::make_step(graph, static_cast<int>(i), hints[i], why);
        if (!step) return std::move(step).error();
        if ((*step)->kind() == xnn::StepKind::reference) {
            fallbacks_.push_back(fmt::format("{}: {}", xnn::layer_where(l), why));
        }
        steps_.push_back(std::move(*step));
    }
    graph_ = &graph;
    fingerprint_ = graph_fingerprint(graph);
    return {};
}

xnn::NhwcView XnnpackBackend::view_of(int blob) const {
    const Shape& s = plan_.shapes[static_cast<size_t>(blob)];
    auto* base = reinterpret_cast<char*>(arena_.get()) + plan_.offsets[static_cast<size_t>(blob)];
    return xnn::NhwcView{reinterpret_cast<float*>(base), s.h, s.w, s.c, static_cast<size_t>(s.c)};
}

Result<void> XnnpackBackend::plan(int channels, int height, int width) {
    planned_ = false;
    auto plan = make_plan(*graph_, channels, height, width, &placement_);
    if (!plan) return std::move(plan).error();
    plan_ = std::move(*plan);
    // XNNPACK may read up to XNN_EXTRA_BYTES past an input; keep that inside the arena.
    const size_t bytes = plan_.arena_bytes + XNN_EXTRA_BYTES + detail::buffer_alignment;
    if (bytes > arena_bytes_ || !arena_) {
        arena_.reset(static_cast<float*>(detail::aligned_alloc_bytes(bytes)));
        if (!arena_) {
            arena_bytes_ = 0;
            return make_error(Errc::out_of_memory,
                              fmt::format("{}: cannot allocate {} MB of activations for {}x{}",
                                          graph_->source, bytes >> 20, width, height));
        }
        arena_bytes_ = bytes;
    }
    std::vector<xnn::NhwcView> in;
    std::vector<xnn::NhwcView> out;
    for (size_t i = 0; i < steps_.size(); ++i) {
        const Layer& l = graph_->layers[i];
        in.clear();
        out.clear();
        for (int b : l.inputs) {
            // An elided concat's reader gets the concat's inputs instead.
            const int p = graph_->blobs[static_cast<size_t>(b)].producer;
            if (p >= 0 && placement_[static_cast<size_t>(p)] == Placement::elided) {
                for (int src : graph_->layers[static_cast<size_t>(p)].inputs) {
                    in.push_back(view_of(src));
                }
            } else {
                in.push_back(view_of(b));
            }
        }
        for (int b : l.outputs) out.push_back(view_of(b));
        KZ_TRY(steps_[i]->setup(in, out, pool_->get()));
    }
    planned_ = true;
    return {};
}

Result<Shape> XnnpackBackend::prepare(const Graph& graph, int channels, int height, int width) {
    if (graph_ != &graph || fingerprint_ != graph_fingerprint(graph)) KZ_TRY(compile(graph));
    if (!planned_ || plan_.input_channels != channels || plan_.input_height != height ||
        plan_.input_width != width) {
        KZ_TRY(plan(channels, height, width));
    }
    return plan_.output_shape(graph);
}

Result<void> XnnpackBackend::run(const Graph& graph, ConstTensorView input, TensorView output,
                                 const RunControl& control) {
    stopped_at_ = -1;
    auto shape = prepare(graph, input.channels, input.height, input.width);
    KZ_TRY(shape);
    const Shape& os = *shape;
    KZ_TRY(check_run_views("xnnpack backend", input, plan_.input_channels, plan_.input_height,
                           plan_.input_width, output, os));
    KZ_TRY(check_run_control("xnnpack backend", graph, control));
    pthreadpool_t pool = pool_->get();
    xnn::nchw_to_nhwc(input.data, static_cast<size_t>(input.plane_stride),
                      view_of(graph.input_blob), pool);
    const size_t end =
        control.stop_before < 0 ? steps_.size() : static_cast<size_t>(control.stop_before);
    if (profiling_) step_ms_.resize(steps_.size(), 0.0);
    for (size_t i = 0; i < end; ++i) {
        const RunControl::Override* given = nullptr;
        for (const RunControl::Override& o : control.overrides)
            if (o.layer == static_cast<int>(i)) given = &o;
        if (given != nullptr) {
            // C x H x W values into the NHWC buffer.
            const xnn::NhwcView v = view_of(graph.layers[i].outputs[0]);
            const size_t plane = static_cast<size_t>(v.height) * v.width;
            for (int c = 0; c < v.channels; ++c)
                for (size_t p = 0; p < plane; ++p)
                    v.data[p * v.pixel_stride + c] = given->values[c * plane + p];
            continue;
        }
        if (!profiling_) {
            KZ_TRY(steps_[i]->run(pool));
            continue;
        }
        const auto t0 = std::chrono::steady_clock::now();
        KZ_TRY(steps_[i]->run(pool));
        step_ms_[i] +=
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
    }
    if (control.stop_before >= 0) {
        stopped_at_ = control.stop_before;
        return {};
    }
    xnn::nhwc_to_nchw(view_of(graph.output_blob), output.data,
                      static_cast<size_t>(output.plane_stride), pool);
    return {};
}

Result<void> XnnpackBackend::sum_blob(int blob, int y0, int y1, int x0, int x1,
                                      std::span<double> sums) const {
    if (graph_ == nullptr) return make_error(Errc::invalid_argument, "xnnpack backend: no run");
    KZ_TRY(check_sum_blob("xnnpack backend", *graph_, stopped_at_, blob,
                          plan_.shapes[static_cast<size_t>(blob)], y0, y1, x0, x1, sums.size()));
    const xnn::NhwcView v = view_of(blob);
    // Per channel in the same row-major order as the reference, so both give the same sums.
    for (int c = 0; c < v.channels; ++c) {
        double acc = 0.0;
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) acc += v.pixel(y, x)[c];
        sums[static_cast<size_t>(c)] += acc;
    }
    return {};
}

void XnnpackBackend::set_profiling(bool on) {
    profiling_ = on;
    step_ms_.assign(steps_.size(), 0.0);
}

Result<std::unique_ptr<Backend>> make_xnnpack_backend(int threads,
                                                      std::shared_ptr<ThreadPool> pool) {
    auto b = XnnpackBackend::create(threads, true, std::move(pool));
    if (!b) return std::move(b).error();
    return std::unique_ptr<Backend>(std::move(*b));
}

}  // namespace kizuna::nn
