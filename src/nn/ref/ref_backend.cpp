// The reference backend: executes a Graph layer by layer with the reference forward of each
// layer's registry entry (ref_kernels.hpp), in one arena laid out by make_plan().
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "nn/backend.hpp"
#include "nn/layers/registry.hpp"
#include "nn/ref/ref_kernels.hpp"

namespace kizuna::nn {
namespace {

class ReferenceBackend final : public Backend {
public:
    ReferenceBackend(int threads, std::shared_ptr<ThreadPool> pool)
        : threads_(resolve_thread_count(threads)), pool_(std::move(pool)) {}

    const char* name() const noexcept override { return "reference"; }

    Result<Shape> prepare(const Graph& graph, int channels, int height, int width) override {
        if (!pool_) {
            auto pool = ThreadPool::create(threads_);
            KZ_TRY(pool);
            pool_ = std::make_shared<ThreadPool>(std::move(*pool));
        }
        if (&graph != graph_ || graph_fingerprint(graph) != fingerprint_ ||
            channels != plan_.input_channels || height != plan_.input_height ||
            width != plan_.input_width) {
            graph_ = nullptr;
            auto plan = make_plan(graph, channels, height, width);
            KZ_TRY(plan);
            plan_ = std::move(*plan);
            arena_.assign(plan_.arena_bytes / sizeof(float), 0.f);
            graph_ = &graph;
            fingerprint_ = graph_fingerprint(graph);
        }
        return plan_.output_shape(graph);
    }

    using Backend::run;
    Result<void> run(const Graph& graph, ConstTensorView input, TensorView output,
                     const RunControl& control) override {
        stopped_at_ = -1;
        auto os = prepare(graph, input.channels, input.height, input.width);
        KZ_TRY(os);
        KZ_TRY(check_run_views("reference backend", input, plan_.input_channels, plan_.input_height,
                               plan_.input_width, output, *os));
        KZ_TRY(check_run_control("reference backend", graph, control));

        const size_t plane = static_cast<size_t>(input.height) * input.width;
        for (int c = 0; c < input.channels; ++c)
            std::memcpy(blob(graph.input_blob) + c * plane, input.plane(c), plane * sizeof(float));

        const int end =
            control.stop_before < 0 ? static_cast<int>(graph.layers.size()) : control.stop_before;
        for (int i = 0; i < end; ++i) {
            const Layer& l = graph.layers[static_cast<size_t>(i)];
            if (const float* given = overridden(control, i)) {
                const int o = l.outputs[0];
                std::memcpy(blob(o), given, plan_.shapes[o].elements() * sizeof(float));
                continue;
            }
            const LayerDef& def = layer_def(l.type);
            if (def.reference == nullptr || l.outputs.empty()) continue;
            ins_.clear();
            for (int b : l.inputs) ins_.push_back(ref::In{blob(b), plan_.shapes[b]});
            const int o = l.outputs[0];
            def.reference(
                ref::Args{l, ins_, ref::Out{blob(o), plan_.shapes[o]}, scratch_, pool_->get()});
        }

        if (control.stop_before >= 0) {
            stopped_at_ = control.stop_before;
            return {};
        }
        const size_t out_plane = static_cast<size_t>(os->h) * os->w;
        for (int c = 0; c < os->c; ++c)
            std::memcpy(output.plane(c), blob(graph.output_blob) + c * out_plane,
                        out_plane * sizeof(float));
        return {};
    }

    Result<void> sum_blob(int b, int y0, int y1, int x0, int x1,
                          std::span<double> sums) const override {
        if (graph_ == nullptr)
            return make_error(Errc::invalid_argument, "reference backend: no run");
        KZ_TRY(check_sum_blob("reference backend", *graph_, stopped_at_, b, plan_.shapes[b], y0, y1,
                              x0, x1, sums.size()));
        const Shape& s = plan_.shapes[b];
        const float* base = blob(b);
        for (int c = 0; c < s.c; ++c) {
            double acc = 0.0;
            for (int y = y0; y < y1; ++y) {
                const float* row = base + (static_cast<size_t>(c) * s.h + y) * s.w;
                for (int x = x0; x < x1; ++x) acc += row[x];
            }
            sums[static_cast<size_t>(c)] += acc;
        }
        return {};
    }

private:
    static const float* overridden(const RunControl& control, int layer) {
        for (const RunControl::Override& o : control.overrides)
            if (o.layer == layer) return o.values;
        return nullptr;
    }
    float* blob(int b) { return arena_.data() + plan_.offsets[b] / sizeof(float); }
    const float* blob(int b) const { return arena_.data() + plan_.offsets[b] / sizeof(float); }

    int threads_;
    std::shared_ptr<ThreadPool> pool_;
    const Graph* graph_ = nullptr;
    uint64_t fingerprint_ = 0;  // graph_fingerprint() of graph_
    Plan plan_;
    std::vector<float> arena_;
    ref::Scratch scratch_;
    int stopped_at_ = -1;  // the layer the last run stopped before, or -1
    std::vector<ref::In> ins_;
};

}  // namespace

std::unique_ptr<Backend> make_reference_backend(int threads, std::shared_ptr<ThreadPool> pool) {
    return std::make_unique<ReferenceBackend>(threads, std::move(pool));
}

}  // namespace kizuna::nn
