#include "nn/graph/graph_stats.hpp"

#include <algorithm>

#include "nn/layers/registry.hpp"

namespace kizuna::nn {
namespace {

// Calls f(layer FLOPs) for every layer with outputs, in graph order.
template <class F>
void for_each_layer_flops(const Graph& graph, const std::vector<Shape>& shapes, F&& f) {
    for (const Layer& l : graph.layers) {
        const LayerDef& def = layer_def(l.type);
        if (l.outputs.empty() || def.flops == nullptr) continue;
        const Shape& out = shapes[l.outputs[0]];
        const Shape& in = l.inputs.empty() ? out : shapes[l.inputs[0]];
        f(def.flops(l, in, out));
    }
}

}  // namespace

double graph_flops(const Graph& graph, const std::vector<Shape>& shapes) {
    double total = 0;
    for_each_layer_flops(graph, shapes,
                         [&](const LayerFlops& f) { total += f.weighted + f.other; });
    return total;
}

double graph_weighted_flops(const Graph& graph, const std::vector<Shape>& shapes) {
    double total = 0;
    for_each_layer_flops(graph, shapes, [&](const LayerFlops& f) { total += f.weighted; });
    return total;
}

ReceptiveField receptive_field(const Graph& graph) {
    std::vector<FieldState> st(graph.blobs.size());
    for (const Layer& l : graph.layers) {
        FieldState s;
        bool any_spatial = false;
        for (int b : l.inputs) {  // combine: widest spatial input; global flag is sticky
            const FieldState& in = st[b];
            s.global = s.global || in.global;
            if (!in.spatial) continue;
            if (!any_spatial) s.pitch = in.pitch;
            s.radius = any_spatial ? std::max(s.radius, in.radius) : in.radius;
            any_spatial = true;
        }
        s.spatial = l.inputs.empty() || any_spatial;
        if (const auto rule = layer_def(l.type).receptive) rule(l, s);
        for (int b : l.outputs) st[b] = s;
    }
    const FieldState& out = st[graph.output_blob];
    return {out.radius, out.global};
}

}  // namespace kizuna::nn
