// Step dispatch through the layer registry, and the reference fallback: a layer's reference
// forward run on NCHW copies of its inputs.
#include "nn/xnnpack/xnnpack_step.hpp"

#include <fmt/format.h>

#include "core/logging.hpp"
#include "kizuna/tensor.hpp"
#include "nn/layers/registry.hpp"
#include "nn/ref/ref_kernels.hpp"

namespace kizuna::nn::xnn {
namespace {

class ReferenceStep final : public Step {
public:
    ReferenceStep(const Layer& layer, void (*forward)(const ref::Args&))
        : layer_(&layer), forward_(forward) {}

    Result<void> setup(const std::vector<NhwcView>& in, const std::vector<NhwcView>& out,
                       pthreadpool_t) override {
        in_ = in;
        out_ = out[0];
        in_nchw_.resize(in.size());
        for (size_t k = 0; k < in.size(); ++k) KZ_TRY(fit(in_nchw_[k], in[k]));
        KZ_TRY(fit(out_nchw_, out_));
        ins_.clear();
        for (size_t k = 0; k < in.size(); ++k)
            ins_.push_back(ref::In{in_nchw_[k].data(), shape_of(in[k])});
        return {};
    }

    Result<void> run(pthreadpool_t pool) override {
        for (size_t k = 0; k < in_.size(); ++k)
            nhwc_to_nchw(in_[k], in_nchw_[k].data(), plane(in_[k]), pool);
        forward_(
            ref::Args{*layer_, ins_, ref::Out{out_nchw_.data(), shape_of(out_)}, scratch_, pool});
        nchw_to_nhwc(out_nchw_.data(), plane(out_), out_, pool);
        return {};
    }

    StepKind kind() const noexcept override { return StepKind::reference; }

private:
    static Shape shape_of(const NhwcView& v) { return Shape{v.channels, v.height, v.width}; }
    static size_t plane(const NhwcView& v) { return static_cast<size_t>(v.height) * v.width; }
    // Makes `t` an NCHW tensor of v's shape (allocating only when the shape changes).
    static Result<void> fit(Tensor& t, const NhwcView& v) {
        if (t.channels() == v.channels && t.height() == v.height && t.width() == v.width) return {};
        auto made = Tensor::create(v.channels, v.height, v.width);
        KZ_TRY(made);
        t = std::move(*made);
        return {};
    }

    const Layer* layer_;
    void (*forward_)(const ref::Args&);
    std::vector<NhwcView> in_;
    NhwcView out_;
    std::vector<Tensor> in_nchw_;
    Tensor out_nchw_;
    std::vector<ref::In> ins_;
    ref::Scratch scratch_;
};

}  // namespace

std::string layer_where(const Layer& layer) {
    return fmt::format("layer {} '{}' (line {})", layer_type_name(layer.type), layer.name,
                       layer.line);
}

StepResult make_reference_step(const Graph& graph, const Layer& layer) {
    const LayerDef& def = layer_def(layer.type);
    if (def.reference == nullptr || layer.outputs.size() != 1) {
        return make_error(Errc::unsupported,
                          fmt::format("{} in {}: the XNNPACK backend cannot run it and the "
                                      "reference fallback takes layers with one output only",
                                      layer_where(layer), graph.source));
    }
    return std::unique_ptr<Step>(std::make_unique<ReferenceStep>(layer, def.reference));
}

StepResult make_noop_layer_step(const StepArgs&, std::string&) {
    return make_noop_step();
}

StepResult decline(std::string& why, std::string reason) {
    why = std::move(reason);
    return std::unique_ptr<Step>();
}

StepResult make_step(const Graph& graph, int index, const StepHints& hints, std::string& why) {
    const Layer& layer = graph.layers[static_cast<size_t>(index)];
    why.clear();
    const LayerDef& def = layer_def(layer.type);
    StepResult step = std::unique_ptr<Step>();
    if (def.xnnpack != nullptr) step = def.xnnpack(StepArgs{graph, layer, hints}, why);
    if (!step || *step) return step;
    if (why.empty()) why = "no XNNPACK mapping";
    KZ_LOG_WARN("xnnpack: {} runs on the reference backend: {}", layer_where(layer), why);
    return make_reference_step(graph, layer);
}

}  // namespace kizuna::nn::xnn
