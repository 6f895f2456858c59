// ModelInfo from a graph, loading a model's content, and inspect_model().
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "nn/graph/graph_stats.hpp"
#include "nn/layers/registry.hpp"
#include "nn/model/model_impl.hpp"
#include "nn/ncnn/ncnn_reader.hpp"
#include "nn/xnnpack/xnnpack_memory.hpp"

namespace kizuna {
namespace nn {
namespace {

constexpr int kProbeSizes = 160;
constexpr int kMeasureSize = 256;

// True when every strided window covers its padded input exactly: no row or column is
// dropped by rounding down, so the output stays aligned with the input grid.
bool strides_exact(const Graph& g, const std::vector<Shape>& shapes) {
    for (const Layer& l : g.layers) {
        const auto exact = layer_def(l.type).windows_exact;
        if (l.inputs.empty() || exact == nullptr) continue;
        if (!exact(l, shapes[l.inputs[0]])) return false;
    }
    return true;
}

}  // namespace

int accepted_size_at_least(const ModelInfo& info, int n) {
    if (n <= info.min_input_size) return info.min_input_size;
    const int steps = (n - info.min_input_size + info.input_multiple - 1) / info.input_multiple;
    return info.min_input_size + steps * info.input_multiple;
}

Result<ModelInfo> describe_model(const Graph& graph, std::string id,
                                 const std::filesystem::path& param) {
    ModelInfo info;
    info.id = std::move(id);
    info.param = param;
    info.layer_count = static_cast<int>(graph.layers.size());
    info.parameter_count = graph.parameter_count();

    // Input channels: the first count the graph accepts at a generous size.
    info.input_channels = 0;
    for (int c : {3, 1, 4}) {
        if (infer_shapes(graph, c, 128, 128)) {
            info.input_channels = c;
            break;
        }
    }
    // Accepted sizes (square probes; every shipped model treats H and W alike).
    std::vector<int> ok;
    std::vector<Shape> out_shapes;
    for (int n = 1; n <= kProbeSizes && info.input_channels > 0; ++n) {
        auto s = infer_shapes(graph, info.input_channels, n, n);
        if (!s || !strides_exact(graph, *s)) continue;
        ok.push_back(n);
        out_shapes.push_back((*s)[graph.output_blob]);
    }
    if (ok.size() < 2)
        return make_error(
            Errc::invalid_argument,
            fmt::format("{}: no input size up to {} fits the model", graph.source, kProbeSizes));
    info.min_input_size = ok[0];
    int step = 0;
    for (int n : ok) step = std::gcd(step, n - ok[0]);
    info.input_multiple = step;
    const Shape& o0 = out_shapes[0];
    const Shape& o1 = out_shapes[1];
    info.output_channels = o0.c;
    const int dn = ok[1] - ok[0];
    if ((o1.w - o0.w) % dn != 0 || o1.w - o0.w <= 0)
        return make_error(
            Errc::invalid_argument,
            fmt::format("{}: output size is not an integer multiple of the input", graph.source));
    info.scale = (o1.w - o0.w) / dn;
    const int lost = info.scale * ok[0] - o0.w;  // both sides together
    info.output_border = std::max(0, lost / 2);
    info.input_padding = (info.output_border + info.scale - 1) / info.scale;
    // Every probed size must follow out = scale * n - 2 * border.
    for (size_t i = 0; i < ok.size(); ++i)
        if (out_shapes[i].w != info.scale * ok[i] - lost || out_shapes[i].h != out_shapes[i].w)
            return make_error(Errc::invalid_argument,
                              fmt::format("{}: output size for input {} is {}x{}, not linear",
                                          graph.source, ok[i], out_shapes[i].h, out_shapes[i].w));

    info.measured_size = accepted_size_at_least(info, kMeasureSize);
    auto plan = make_plan(graph, info.input_channels, info.measured_size, info.measured_size);
    KZ_TRY(plan);
    info.peak_activation_bytes = plan->peak_activation_bytes();
    info.xnnpack_held_bytes = xnn::held_bytes(graph, *plan);
    info.mflop_per_pixel = graph_flops(graph, plan->shapes) / 1e6 /
                           (static_cast<double>(info.measured_size) * info.measured_size);
    const ReceptiveField rf = receptive_field(graph);
    info.receptive_radius = static_cast<int>(std::ceil(rf.radius - 1e-9));
    info.global_context = rf.global_context;
    return info;
}

Result<std::shared_ptr<ModelImpl>> load_model_impl(std::string_view id_or_path) {
    auto path = resolve_model(id_or_path);
    KZ_TRY(path);
    auto graph = load_ncnn_model(*path);
    KZ_TRY(graph);
    auto info = describe_model(*graph, std::string(id_or_path), *path);
    KZ_TRY(info);
    apply_catalogue(*info);
    auto impl = std::make_shared<ModelImpl>();
    impl->graph = std::move(*graph);
    impl->info = std::move(*info);
    return impl;
}

void apply_catalogue(ModelInfo& info) {
    for (const ModelEntry& e : list_models()) {
        std::error_code ec;
        if (e.found && std::filesystem::equivalent(e.param, info.param, ec)) {
            info.id = e.id;
            info.adds_nearest_input = e.adds_nearest_input;
            info.edge_padding = e.edge_padding;
            return;
        }
    }
}

}  // namespace nn

Result<ModelInfo> inspect_model(std::string_view id_or_path) {
    auto impl = nn::load_model_impl(id_or_path);
    KZ_TRY(impl);
    return std::move((*impl)->info);
}

}  // namespace kizuna
