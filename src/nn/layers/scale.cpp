// Registry entry of Scale (ScaleParams): per-channel scale (and bias), the scales stored or
// given by a second input.
#include <fmt/format.h>

#include "nn/layers/registry.hpp"
#include "nn/ncnn/param_table.hpp"
#include "nn/ref/ref_kernels.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn {
namespace {

using P = ScaleParams;
using F = Fields<P>;

constexpr ParamField<P> kFields[] = {
    F::integer<&P::scale_data_size>(0, "scale_data_size"),
    F::value(1, "bias_term").range(0, 1),
};

// scale_data_size -233: the scales are the second input (and there is no bias).
Result<void> finish(P& p, const FieldValues& v, const LayerIo& io,
                    std::vector<WeightSpec>& weights) {
    p.from_input = p.scale_data_size == -233;
    if (p.from_input) return check_io(io.inputs, io.outputs, 2, 2, 1, 1);
    KZ_TRY(check_io(io.inputs, io.outputs, 1, 1, 1, 1));
    KZ_TRY(check_range("scale_data_size", p.scale_data_size, 1, kMaxChannels));
    weights.push_back({false, static_cast<size_t>(p.scale_data_size), false});
    if (v.ints[1] != 0) weights.push_back({true, static_cast<size_t>(p.scale_data_size), false});
    return {};
}

constexpr NcnnLayout<P> kLayout{{1, 2, 1, 1}, kFields, nullptr, finish};
constexpr NcnnForm kForms[] = {ncnn_form("Scale", kLayout)};

Result<Shape> shape(const ShapeArgs& a) {
    const P& p = *a.layer.get<P>();
    const Shape& in = a.in();
    const size_t n = p.from_input ? a.in(1).elements() : static_cast<size_t>(p.scale_data_size);
    if (n != static_cast<size_t>(in.c))
        return a.fail(fmt::format("{} scale values for {} channels", n, in.c));
    return in;
}

}  // namespace

extern constinit const LayerDef kScaleLayer = elementwise_layer(
    LayerType::scale, kForms, shape, ref::forward<ref::scale>, xnn::make_scale_step);

}  // namespace kizuna::nn
