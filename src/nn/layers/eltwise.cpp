// Registry entry of Eltwise (EltwiseParams): product, (weighted) sum or maximum of N
// same-shape inputs.
#include <fmt/format.h>

#include "nn/layers/registry.hpp"
#include "nn/ncnn/param_table.hpp"
#include "nn/ref/ref_kernels.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn {
namespace {

using P = EltwiseParams;
using F = Fields<P>;

constexpr ParamField<P> kFields[] = {
    F::integer<&P::op>(0, "op_type").range(0, 2),
    F::real_list<&P::coefficients>(1, "coeffs"),
};

Result<void> finish(P& p, const FieldValues&, const LayerIo& io, std::vector<WeightSpec>&) {
    if (!p.coefficients.empty() && static_cast<int>(p.coefficients.size()) != io.inputs)
        return corrupt_param(fmt::format("eltwise has {} coefficients for {} inputs",
                                         p.coefficients.size(), io.inputs));
    return {};
}

constexpr NcnnLayout<P> kLayout{{1, kMaxLayerIo, 1, 1}, kFields, nullptr, finish};
constexpr NcnnForm kForms[] = {ncnn_form("Eltwise", kLayout)};

Result<Shape> shape(const ShapeArgs& a) {
    const Shape& in = a.in();
    for (size_t k = 1; k < a.layer.inputs.size(); ++k)
        if (!(a.in(k) == in))
            return a.fail(
                fmt::format("inputs {} and {} differ", shape_text(in), shape_text(a.in(k))));
    return in;
}

}  // namespace

extern constinit const LayerDef kEltwiseLayer = elementwise_layer(
    LayerType::eltwise, kForms, shape, ref::forward<ref::eltwise>, xnn::make_eltwise_step);

}  // namespace kizuna::nn
