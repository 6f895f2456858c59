// The table of layer entries, indexed by LayerType; each entry is defined in its own file.
#include "nn/layers/registry.hpp"

#include <iterator>

#include "core/enum_names.hpp"
#include "nn/ncnn/param_table.hpp"

namespace kizuna::nn {

extern const LayerDef kInputLayer;
extern const LayerDef kSplitLayer;
extern const LayerDef kConvolutionLayer;
extern const LayerDef kDeconvolutionLayer;
extern const LayerDef kPReluLayer;
extern const LayerDef kPixelShuffleLayer;
extern const LayerDef kInterpLayer;
extern const LayerDef kBinaryOpLayer;
extern const LayerDef kEltwiseLayer;
extern const LayerDef kConcatLayer;
extern const LayerDef kCropLayer;
extern const LayerDef kPoolingLayer;
extern const LayerDef kInnerProductLayer;
extern const LayerDef kScaleLayer;
extern const LayerDef kActivationLayer;

namespace {

// In LayerType order (checked by tests/unit/nn/test_layer_registry.cpp).
constexpr const LayerDef* kLayers[] = {
    &kInputLayer,        &kSplitLayer,        &kConvolutionLayer, &kDeconvolutionLayer,
    &kPReluLayer,        &kPixelShuffleLayer, &kInterpLayer,      &kBinaryOpLayer,
    &kEltwiseLayer,      &kConcatLayer,       &kCropLayer,        &kPoolingLayer,
    &kInnerProductLayer, &kScaleLayer,        &kActivationLayer,
};
static_assert(std::size(kLayers) == kLayerTypeCount, "one registry entry per LayerType");

// layer_type_name(), in LayerType order.
constexpr const char* kLayerTypeNames[] = {
    "input",         "split",   "convolution",   "deconvolution", "prelu",
    "pixel_shuffle", "interp",  "binary_op",     "eltwise",       "concat",
    "crop",          "pooling", "inner_product", "scale",         "activation",
};

// For a LayerType value outside the enumeration (a corrupted Layer): no shape, nothing to run.
const LayerDef kUnknownLayer{
    .shape = [](const ShapeArgs& a) -> Result<Shape> { return a.fail("unknown layer type"); },
};

}  // namespace

const LayerDef& layer_def(LayerType type) noexcept {
    const auto i = static_cast<size_t>(type);
    return i < std::size(kLayers) ? *kLayers[i] : kUnknownLayer;
}

std::span<const LayerDef* const> layer_defs() noexcept {
    return kLayers;
}

NcnnMatch find_ncnn_type(std::string_view type) noexcept {
    for (const LayerDef* def : kLayers)
        for (const NcnnForm& form : def->ncnn)
            if (form.type == type) return {def, &form};
    return {};
}

const char* layer_type_name(LayerType type) noexcept {
    return enum_name<LayerType::activation>(type, kLayerTypeNames, "unknown");
}

LayerFlops elementwise_flops(const Layer& layer, const Shape&, const Shape& out) {
    return {0, static_cast<double>(out.elements()) * layer.inputs.size()};
}

bool window_exact(int in, int pad_sum, int extent, int stride) {
    return stride == 1 || (in + pad_sum - extent) % stride == 0;
}

}  // namespace kizuna::nn
