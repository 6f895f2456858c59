// The layer registry: every layer type described once.
//
// A LayerDef holds what the rest of src/nn needs to know about one LayerType: the ncnn type
// names that decode to it (with their parameter tables, ncnn/param_table.hpp), its shape rule,
// its FLOP count, how it moves the receptive field, its reference forward and the factory of
// its XNNPACK step. The reader, shape inference, the graph statistics and both backends look
// a layer up here instead of switching on its type, so a new layer type is one entry file in
// layers/ (plus its kernels), its slot and name in layers/registry.cpp and its params in
// graph/layer.hpp.
//
// Every hook receives layers the reader (or a test) built, with the params alternative that
// the type names; hooks do not re-check that. Thread safe: the registry is immutable.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kizuna/error.hpp"
#include "nn/graph/graph.hpp"
#include "nn/vulkan/vk_step_builders.hpp"

namespace kizuna::nn {

struct NcnnForm;
namespace ref {
struct Args;
}
namespace xnn {
class Step;
struct StepArgs;
}  // namespace xnn

// What a shape rule sees: the layer, the shapes inferred so far (per blob) and the network
// input's shape (for the Input layer).
struct ShapeArgs {
    const Graph& graph;
    const Layer& layer;
    const std::vector<Shape>& shapes;
    Shape network_input;

    // Shape of input k (k < layer.inputs.size()).
    const Shape& in(size_t k = 0) const { return shapes[static_cast<size_t>(layer.inputs[k])]; }
    // invalid_argument "<source>:<line>: layer <type> '<name>': <what>".
    Error fail(const std::string& what) const;
};

// Floating-point operations of one layer at given shapes (a multiply-add counts 2).
struct LayerFlops {
    double weighted = 0;  // products with learned weights: convolutions, inner products
    double other = 0;     // resize taps, element-wise arithmetic, pooling
};

// Receptive-field propagation state of one blob (graph_stats.hpp, receptive_field).
struct FieldState {
    double radius = 0;    // input pixels on each side of an output pixel's centre
    double pitch = 1;     // input pixels per pixel of this blob
    bool spatial = true;  // false once values come out of a global reduction
    bool global = false;  // a global reduction feeds this blob
};

// Hook types of LayerDef (what each does is said there).
using ShapeRule = Result<Shape> (*)(const ShapeArgs&);
using ReferenceForward = void (*)(const ref::Args&);
using XnnpackFactory = Result<std::unique_ptr<xnn::Step>> (*)(const xnn::StepArgs&,
                                                              std::string& why);

struct LayerDef {
    LayerType type = LayerType::split;    // named by layer_type_name()
    std::span<const NcnnForm> ncnn = {};  // ncnn type names that decode to this type
    bool aliases_input = false;           // outputs share the input's memory; nothing runs
    // Output shape (every output gets it). nullptr = the first input's shape.
    ShapeRule shape = nullptr;
    // FLOPs at the given first-input and output shapes. nullptr = none (data movement).
    LayerFlops (*flops)(const Layer&, const Shape& in, const Shape& out) = nullptr;
    // Updates the state of the combined inputs into the output's. nullptr = point-wise.
    void (*receptive)(const Layer&, FieldState&) = nullptr;
    // True when the layer's strided windows cover its padded input exactly at this input
    // shape, so the output stays on the input's pixel grid. nullptr = always.
    bool (*windows_exact)(const Layer&, const Shape& in) = nullptr;
    // The reference forward (ref/ref_kernels.hpp: ref::forward<kernel>). nullptr = nothing to
    // compute.
    ReferenceForward reference = nullptr;
    // The XNNPACK backend's step: nullptr result (with `why`) when it cannot run this layer's
    // parameters, which then run on the reference forward. nullptr hook = never.
    XnnpackFactory xnnpack = nullptr;
    // The Vulkan backend's recorder of the layer's dispatches (nn/vulkan/vk_step_builders.hpp).
    // nullptr: the backend records nothing for a layer with nothing to compute (no reference)
    // and refuses any other.
    void (*vulkan)(const vk::StepContext&, int layer, std::vector<vk::Step>& out) = nullptr;
};

// The entry of `type`. Every LayerType has one.
const LayerDef& layer_def(LayerType type) noexcept;

// Every entry, in LayerType order.
std::span<const LayerDef* const> layer_defs() noexcept;

// The entry and form an ncnn layer type name decodes with, or {nullptr, nullptr}.
struct NcnnMatch {
    const LayerDef* def = nullptr;
    const NcnnForm* form = nullptr;
};
NcnnMatch find_ncnn_type(std::string_view type) noexcept;

// Helpers shared by entries.
// FLOPs hook of element-wise layers: one operation per output value per input.
LayerFlops elementwise_flops(const Layer& layer, const Shape& in, const Shape& out);

// The entry of an element-wise layer (PReLU, BinaryOp, Eltwise, Scale, Activation): point-wise
// (no receptive hook), elementwise_flops, and the Vulkan backend's one element-wise kernel.
// shape: nullptr = the first input's shape.
constexpr LayerDef elementwise_layer(LayerType type, std::span<const NcnnForm> ncnn,
                                     ShapeRule shape, ReferenceForward reference,
                                     XnnpackFactory xnnpack) {
    return {.type = type,
            .ncnn = ncnn,
            .shape = shape,
            .flops = elementwise_flops,
            .reference = reference,
            .xnnpack = xnnpack,
            .vulkan = vk::elementwise_steps};
}

// Whether windows of `extent` input pixels at `stride` tile an input of `in` pixels plus
// `pad_sum` padding exactly (no row or column left over by rounding down).
bool window_exact(int in, int pad_sum, int extent, int stride);

}  // namespace kizuna::nn
