// Step dispatch, and the reference fallback: a one-layer graph run by the reference backend on
// NCHW copies of the layer's input.
#include "nn/xnnpack/xnnpack_step.hpp"

#include <fmt/format.h>

#include "core/logging.hpp"
#include "nn/backend.hpp"

namespace kizuna::nn::xnn {
namespace {

class ReferenceStep final : public Step {
public:
    ReferenceStep(Graph mini, std::unique_ptr<Backend> ref)
        : mini_(std::move(mini)), ref_(std::move(ref)) {}

    Result<void> setup(const std::vector<NhwcView>& in, const std::vector<NhwcView>& out,
                       pthreadpool_t) override {
        in_ = in[0];
        out_ = out[0];
        if (in_nchw_.channels() != in_.channels || in_nchw_.height() != in_.height ||
            in_nchw_.width() != in_.width) {
            auto t = Tensor::create(in_.channels, in_.height, in_.width);
            if (!t) return std::move(t).error();
            in_nchw_ = std::move(*t);
        }
        return {};
    }

    Result<void> run(pthreadpool_t pool) override {
        const size_t plane = static_cast<size_t>(in_.height) * in_.width;
        nhwc_to_nchw(in_, in_nchw_.data(), plane, pool);
        KZ_TRY(ref_->run(mini_, std::as_const(in_nchw_).view(), out_nchw_));
        if (out_nchw_.channels() != out_.channels || out_nchw_.height() != out_.height ||
            out_nchw_.width() != out_.width) {
            return make_error(Errc::internal,
                              fmt::format("{}: reference output {}x{}x{} differs from the plan",
                                          mini_.layers[1].name, out_nchw_.channels(),
                                          out_nchw_.height(), out_nchw_.width()));
        }
        nchw_to_nhwc(out_nchw_.data(), static_cast<size_t>(out_.height) * out_.width, out_, pool);
        return {};
    }

    StepKind kind() const noexcept override { return StepKind::reference; }

private:
    Graph mini_;
    std::unique_ptr<Backend> ref_;
    Tensor in_nchw_;
    Tensor out_nchw_;
    NhwcView in_;
    NhwcView out_;
};

}  // namespace

std::string layer_where(const Layer& layer) {
    return fmt::format("layer {} '{}' (line {})", layer_type_name(layer.type), layer.name,
                       layer.line);
}

Result<std::unique_ptr<Step>> make_reference_step(const Graph& graph, const Layer& layer,
                                                  int threads) {
    if (layer.inputs.size() != 1 || layer.outputs.size() != 1) {
        return make_error(Errc::unsupported,
                          fmt::format("{} in {}: the XNNPACK backend cannot run it and the "
                                      "reference fallback takes one input and one output only",
                                      layer_where(layer), graph.source));
    }
    Graph mini;
    mini.source = graph.source;
    Layer input;
    input.type = LayerType::input;
    input.name = "fallback_input";
    input.outputs = {0};
    input.params = InputParams{};
    mini.layers.push_back(std::move(input));
    Layer copy = layer;
    copy.inputs = {0};
    copy.outputs = {1};
    mini.layers.push_back(std::move(copy));
    mini.blobs.push_back(Blob{"fallback_in", 0, {1}});
    mini.blobs.push_back(Blob{"fallback_out", 1, {}});
    mini.input_blob = 0;
    mini.output_blob = 1;
    return std::unique_ptr<Step>(
        std::make_unique<ReferenceStep>(std::move(mini), make_reference_backend(threads)));
}

Result<std::unique_ptr<Step>> make_step(const Graph& graph, int index, const StepHints& hints,
                                        std::string& why, int threads) {
    const Layer& layer = graph.layers[static_cast<size_t>(index)];
    why.clear();
    Result<std::unique_ptr<Step>> step = std::unique_ptr<Step>();
    switch (layer.type) {
        case LayerType::input:
        case LayerType::split:
            return make_noop_step();
        case LayerType::convolution:
            step = make_conv_step(layer, hints, why);
            break;
        case LayerType::deconvolution:
            step = make_deconv_step(layer, why);
            break;
        case LayerType::inner_product:
            step = make_inner_product_step(layer, why);
            break;
        case LayerType::prelu:
        case LayerType::activation:
        case LayerType::binary_op:
        case LayerType::eltwise:
        case LayerType::scale:
            step = make_elementwise_step(layer, why);
            break;
        case LayerType::pixel_shuffle:
        case LayerType::interp:
        case LayerType::crop:
        case LayerType::concat:
        case LayerType::pooling:
            step = make_data_step(layer, hints, why);
            break;
    }
    if (!step || *step) return step;
    if (why.empty()) why = "no XNNPACK mapping";
    KZ_LOG_WARN("xnnpack: {} runs on the reference backend: {}", layer_where(layer), why);
    return make_reference_step(graph, layer, threads);
}

}  // namespace kizuna::nn::xnn
