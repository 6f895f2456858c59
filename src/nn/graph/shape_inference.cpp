// Shape of every blob for a given input size. Each layer's rule is the shape hook of its
// registry entry (layers/); the backends rely on these shapes and do not re-check them.
#include <fmt/format.h>

#include "nn/graph/graph.hpp"
#include "nn/layers/registry.hpp"

namespace kizuna::nn {
namespace {

constexpr long long kMaxElements = (1ll << 31) - 1;

}  // namespace

Error ShapeArgs::fail(const std::string& what) const {
    return make_error(Errc::invalid_argument,
                      fmt::format("{}:{}: layer {} '{}': {}", graph.source, layer.line,
                                  layer_type_name(layer.type), layer.name, what));
}

std::string shape_text(const Shape& s) {
    return fmt::format("{}x{}x{}", s.c, s.h, s.w);
}

Result<std::vector<Shape>> infer_shapes(const Graph& graph, int channels, int height, int width) {
    if (channels < 1 || height < 1 || width < 1 ||
        static_cast<long long>(channels) * height * width > kMaxElements)
        return make_error(
            Errc::invalid_argument,
            fmt::format("{}: bad input size {}x{}x{}", graph.source, channels, height, width));
    std::vector<Shape> shapes(graph.blobs.size());
    const Shape network_input{channels, height, width};
    for (const Layer& l : graph.layers) {
        const ShapeArgs args{graph, l, shapes, network_input};
        const LayerDef& def = layer_def(l.type);
        Shape out = l.inputs.empty() ? Shape{} : args.in();
        if (def.shape != nullptr) {
            auto s = def.shape(args);
            KZ_TRY(s);
            out = *s;
        }
        if (out.c < 1 || out.h < 1 || out.w < 1 ||
            static_cast<long long>(out.c) * out.h * out.w > kMaxElements)
            return args.fail(fmt::format("output {} is empty or too large", shape_text(out)));
        for (int b : l.outputs) shapes[b] = out;
    }
    return shapes;
}

}  // namespace kizuna::nn
