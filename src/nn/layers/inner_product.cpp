// Registry entry of InnerProduct (InnerProductParams): fully connected over the flattened input.
#include <fmt/format.h>

#include "nn/layers/registry.hpp"
#include "nn/ncnn/param_table.hpp"
#include "nn/ref/ref_kernels.hpp"
#include "nn/vulkan/vk_step_builders.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn {
namespace {

using P = InnerProductParams;
using F = Fields<P>;

constexpr ParamField<P> kFields[] = {
    F::integer<&P::num_output>(0, "num_output").range(1, 1 << 24),
    F::value(1, "bias_term").range(0, 1),
    F::value(2, "weight_data_size"),
    F::must_be_off(8, "int8 quantised inner product (key 8) is not supported"),
    F::activation<&P::activation>(),
};

// num_input from the weight count; the weight arrays (tagged weights, then bias).
Result<void> finish(P& p, const FieldValues& v, const LayerIo&, std::vector<WeightSpec>& weights) {
    const int weight_size = v.ints[2];
    if (weight_size <= 0 || weight_size % p.num_output != 0)
        return corrupt_param(
            fmt::format("weight_data_size {} is not a positive multiple of num_output {}",
                        weight_size, p.num_output));
    p.num_input = weight_size / p.num_output;
    weights.push_back({false, static_cast<size_t>(weight_size), true});
    if (v.ints[1] != 0) weights.push_back({true, static_cast<size_t>(p.num_output), false});
    return {};
}

constexpr NcnnLayout<P> kLayout{{}, kFields, nullptr, finish};
constexpr NcnnForm kForms[] = {ncnn_form("InnerProduct", kLayout)};

Result<Shape> shape(const ShapeArgs& a) {
    const P& p = *a.layer.get<P>();
    const Shape& in = a.in();
    if (in.elements() != static_cast<size_t>(p.num_input))
        return a.fail(fmt::format("input {} has {} values, the weights expect {}", shape_text(in),
                                  in.elements(), p.num_input));
    return Shape{p.num_output, 1, 1};
}

}  // namespace

extern const LayerDef kInnerProductLayer{
    .type = LayerType::inner_product,
    .ncnn = kForms,
    .shape = shape,
    .flops =
        [](const Layer& l, const Shape&, const Shape&) {
            const P& p = *l.get<P>();
            return LayerFlops{2.0 * p.num_input * p.num_output, 0};
        },
    // Every output value depends on the whole input.
    .receptive =
        [](const Layer&, FieldState& s) {
            s.spatial = false;
            s.global = true;
        },
    .reference = ref::forward<ref::inner_product>,
    .xnnpack = xnn::make_inner_product_step,
    .vulkan = vk::inner_product_steps,
};

}  // namespace kizuna::nn
