// Registry entry of PReLU (PReluParams): out = x > 0 ? x : slope[c] * x.
#include <fmt/format.h>

#include "nn/layers/registry.hpp"
#include "nn/ncnn/param_table.hpp"
#include "nn/ref/ref_kernels.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn {
namespace {

using P = PReluParams;
using F = Fields<P>;

constexpr ParamField<P> kFields[] = {
    F::integer<&P::num_slope>(0, "num_slope").range(1, kMaxChannels),
};

Result<void> finish(P& p, const FieldValues&, const LayerIo&, std::vector<WeightSpec>& weights) {
    weights.push_back({false, static_cast<size_t>(p.num_slope), false});
    return {};
}

constexpr NcnnLayout<P> kLayout{{}, kFields, nullptr, finish};
constexpr NcnnForm kForms[] = {ncnn_form("PReLU", kLayout)};

Result<Shape> shape(const ShapeArgs& a) {
    const int n = a.layer.get<P>()->num_slope;
    const Shape& in = a.in();
    if (n != 1 && n != in.c) return a.fail(fmt::format("{} slopes for {} channels", n, in.c));
    return in;
}

}  // namespace

extern constinit const LayerDef kPReluLayer = elementwise_layer(
    LayerType::prelu, kForms, shape, ref::forward<ref::prelu>, xnn::make_prelu_step);

}  // namespace kizuna::nn
