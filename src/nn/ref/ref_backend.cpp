// The reference backend: executes a Graph layer by layer with the plain kernels of
// ref_kernels.hpp, in one arena laid out by make_plan().
#include <algorithm>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "nn/backend.hpp"
#include "nn/ref/ref_kernels.hpp"

namespace kizuna::nn {
namespace {

class ReferenceBackend final : public Backend {
public:
    explicit ReferenceBackend(int threads) : threads_(threads) {}

    const char* name() const noexcept override { return "reference"; }

    Result<void> run(const Graph& graph, ConstTensorView input, Tensor& output) override {
        if (input.data == nullptr ||
            input.plane_stride < static_cast<ptrdiff_t>(input.height) * input.width)
            return make_error(Errc::invalid_argument, "reference backend: bad input view");
        if (&graph != graph_ || graph_fingerprint(graph) != fingerprint_ ||
            input.channels != plan_.input_channels || input.height != plan_.input_height ||
            input.width != plan_.input_width) {
            auto plan = make_plan(graph, input.channels, input.height, input.width);
            KZ_TRY(plan);
            plan_ = std::move(*plan);
            graph_ = &graph;
            fingerprint_ = graph_fingerprint(graph);
            arena_.assign(plan_.arena_bytes / sizeof(float), 0.f);
        }
        auto blob = [&](int b) { return arena_.data() + plan_.offsets[b] / sizeof(float); };
        auto in = [&](int b) { return ref::In{blob(b), plan_.shapes[b]}; };
        auto out = [&](int b) { return ref::Out{blob(b), plan_.shapes[b]}; };

        const size_t plane = static_cast<size_t>(input.height) * input.width;
        for (int c = 0; c < input.channels; ++c)
            std::memcpy(blob(graph.input_blob) + c * plane, input.plane(c), plane * sizeof(float));

        for (const Layer& l : graph.layers) {
            const int o = l.outputs.empty() ? -1 : l.outputs[0];
            switch (l.type) {
                case LayerType::input:
                case LayerType::split:
                    break;  // split outputs alias their input in the plan
                case LayerType::convolution:
                    ref::convolution(l, in(l.inputs[0]), out(o), threads_);
                    break;
                case LayerType::deconvolution:
                    ref::deconvolution(l, in(l.inputs[0]), out(o), scratch_, threads_);
                    break;
                case LayerType::inner_product:
                    ref::inner_product(l, in(l.inputs[0]), out(o));
                    break;
                case LayerType::prelu:
                    ref::prelu(l, in(l.inputs[0]), out(o));
                    break;
                case LayerType::pixel_shuffle:
                    ref::pixel_shuffle(l, in(l.inputs[0]), out(o));
                    break;
                case LayerType::interp:
                    ref::interp(l, in(l.inputs[0]), out(o));
                    break;
                case LayerType::binary_op: {
                    const ref::In b = l.inputs.size() > 1 ? in(l.inputs[1]) : ref::In{};
                    ref::binary_op(l, in(l.inputs[0]), l.inputs.size() > 1 ? &b : nullptr, out(o));
                    break;
                }
                case LayerType::eltwise:
                case LayerType::concat: {
                    ins_.clear();
                    for (int b : l.inputs) ins_.push_back(in(b));
                    if (l.type == LayerType::eltwise)
                        ref::eltwise(l, ins_, out(o));
                    else
                        ref::concat(l, ins_, out(o));
                    break;
                }
                case LayerType::crop:
                    ref::crop(l, in(l.inputs[0]), out(o));
                    break;
                case LayerType::pooling:
                    ref::pooling(l, in(l.inputs[0]), out(o));
                    break;
                case LayerType::scale: {
                    const ref::In s = l.inputs.size() > 1 ? in(l.inputs[1]) : ref::In{};
                    ref::scale(l, in(l.inputs[0]), l.inputs.size() > 1 ? &s : nullptr, out(o));
                    break;
                }
                case LayerType::activation: {
                    const size_t n = plan_.shapes[o].elements();
                    std::memcpy(blob(o), blob(l.inputs[0]), n * sizeof(float));
                    ref::activate(*l.get<ActivationParams>(), blob(o), n);
                    break;
                }
            }
        }

        const Shape& os = plan_.shapes[graph.output_blob];
        if (output.channels() != os.c || output.height() != os.h || output.width() != os.w) {
            auto t = Tensor::create(os.c, os.h, os.w);
            KZ_TRY(t);
            output = std::move(*t);
        }
        std::memcpy(output.data(), blob(graph.output_blob), os.elements() * sizeof(float));
        return {};
    }

private:
    int threads_;
    const Graph* graph_ = nullptr;
    uint64_t fingerprint_ = 0;  // graph_fingerprint() of graph_
    Plan plan_;
    std::vector<float> arena_;
    std::vector<float> scratch_;
    std::vector<ref::In> ins_;
};

}  // namespace

std::unique_ptr<Backend> make_reference_backend(int threads) {
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return std::make_unique<ReferenceBackend>(threads);
}

}  // namespace kizuna::nn
