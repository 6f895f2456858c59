// Registry entry of Concat (ConcatParams): inputs joined along channels, height or width.
#include <climits>

#include <fmt/format.h>

#include "nn/layers/registry.hpp"
#include "nn/ncnn/param_table.hpp"
#include "nn/ref/ref_kernels.hpp"
#include "nn/vulkan/vk_step_builders.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn {
namespace {

using P = ConcatParams;
using F = Fields<P>;

constexpr ParamField<P> kFields[] = {
    F::integer<&P::axis>(0, "axis").range(-3, 2),
};

// Negative axes count from the end of the 3 dimensions.
Result<void> finish(P& p, const FieldValues&, const LayerIo&, std::vector<WeightSpec>&) {
    if (p.axis < 0) p.axis += 3;
    return {};
}

constexpr NcnnLayout<P> kLayout{{1, kMaxLayerIo, 1, 1}, kFields, nullptr, finish};
constexpr NcnnForm kForms[] = {ncnn_form("Concat", kLayout)};

Result<Shape> shape(const ShapeArgs& a) {
    const int axis = a.layer.get<P>()->axis;
    const Shape& in = a.in();
    Shape out = in;
    long long total = 0;
    for (size_t k = 0; k < a.layer.inputs.size(); ++k) {
        const Shape& s = a.in(k);
        const int d[3] = {s.c, s.h, s.w};
        const int o[3] = {in.c, in.h, in.w};
        for (int x = 0; x < 3; ++x)
            if (x != axis && d[x] != o[x])
                return a.fail(fmt::format("inputs {} and {} differ off axis {}", shape_text(in),
                                          shape_text(s), axis));
        total += d[axis];
    }
    if (total > INT_MAX) return a.fail("concatenation too large");
    (axis == 0 ? out.c : axis == 1 ? out.h : out.w) = static_cast<int>(total);
    return out;
}

}  // namespace

extern const LayerDef kConcatLayer{
    .type = LayerType::concat,
    .ncnn = kForms,
    .shape = shape,
    .reference = ref::forward<ref::concat>,
    .xnnpack = xnn::make_concat_step,
    .vulkan = vk::concat_steps,
};

}  // namespace kizuna::nn
