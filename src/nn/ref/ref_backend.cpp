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

    Result<void> run(const Graph& graph, ConstTensorView input, TensorView output) override {
        auto os = prepare(graph, input.channels, input.height, input.width);
        KZ_TRY(os);
        KZ_TRY(check_run_views("reference backend", input, plan_.input_channels, plan_.input_height,
                               plan_.input_width, output, *os));
        auto blob = [&](int b) { return arena_.data() + plan_.offsets[b] / sizeof(float); };

        const size_t plane = static_cast<size_t>(input.height) * input.width;
        for (int c = 0; c < input.channels; ++c)
            std::memcpy(blob(graph.input_blob) + c * plane, input.plane(c), plane * sizeof(float));

        for (const Layer& l : graph.layers) {
            const LayerDef& def = layer_def(l.type);
            if (def.reference == nullptr || l.outputs.empty()) continue;
            ins_.clear();
            for (int b : l.inputs) ins_.push_back(ref::In{blob(b), plan_.shapes[b]});
            const int o = l.outputs[0];
            def.reference(
                ref::Args{l, ins_, ref::Out{blob(o), plan_.shapes[o]}, scratch_, pool_->get()});
        }

        const size_t out_plane = static_cast<size_t>(os->h) * os->w;
        for (int c = 0; c < os->c; ++c)
            std::memcpy(output.plane(c), blob(graph.output_blob) + c * out_plane,
                        out_plane * sizeof(float));
        return {};
    }

private:
    int threads_;
    std::shared_ptr<ThreadPool> pool_;
    const Graph* graph_ = nullptr;
    uint64_t fingerprint_ = 0;  // graph_fingerprint() of graph_
    Plan plan_;
    std::vector<float> arena_;
    ref::Scratch scratch_;
    std::vector<ref::In> ins_;
};

}  // namespace

std::unique_ptr<Backend> make_reference_backend(int threads, std::shared_ptr<ThreadPool> pool) {
    return std::make_unique<ReferenceBackend>(threads, std::move(pool));
}

}  // namespace kizuna::nn
