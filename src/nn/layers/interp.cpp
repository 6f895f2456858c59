// Registry entry of Interp (InterpParams): nearest, bilinear and bicubic resize.
#include <algorithm>
#include <climits>
#include <cmath>

#include <fmt/format.h>

#include "nn/layers/registry.hpp"
#include "nn/ncnn/param_table.hpp"
#include "nn/ref/ref_kernels.hpp"
#include "nn/vulkan/vk_step_builders.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn {
namespace {

using P = InterpParams;
using F = Fields<P>;

constexpr ParamField<P> kFields[] = {
    F::integer<&P::mode>(0, "resize_type").range(1, 3),
    F::real<&P::height_scale>(1, "height_scale", 1.f),
    F::real<&P::width_scale>(2, "width_scale", 1.f),
    F::integer<&P::output_h>(3, "output_height").range(0, 1 << 20),
    F::integer<&P::output_w>(4, "output_width").range(0, 1 << 20),
    F::must_be_off(5, "dynamic target size is not supported"),
    F::integer<&P::align_corner>(6, "align_corner").range(0, 1),
};

Result<void> finish(P& p, const FieldValues&, const LayerIo&, std::vector<WeightSpec>&) {
    for (float s : {p.height_scale, p.width_scale})
        if (!(s > 0.f && s <= 64.f))
            return corrupt_param(fmt::format("scale {} is out of range (0, 64]", s));
    return {};
}

constexpr NcnnLayout<P> kLayout{{}, kFields, nullptr, finish};
constexpr NcnnForm kForms[] = {ncnn_form("Interp", kLayout)};

Result<Shape> shape(const ShapeArgs& a) {
    const P& p = *a.layer.get<P>();
    const Shape& in = a.in();
    const double w =
        p.output_w > 0 ? p.output_w : std::floor(static_cast<float>(in.w) * p.width_scale);
    const double h =
        p.output_h > 0 ? p.output_h : std::floor(static_cast<float>(in.h) * p.height_scale);
    if (w < 1 || h < 1 || w > INT_MAX || h > INT_MAX)
        return a.fail(fmt::format("input {} resizes to an empty or huge output", shape_text(in)));
    return Shape{in.c, static_cast<int>(h), static_cast<int>(w)};
}

// Two FLOPs per tap and direction for every output value.
LayerFlops flops(const Layer& l, const Shape&, const Shape& out) {
    const InterpMode m = l.get<P>()->mode;
    const int taps = m == InterpMode::nearest ? 0 : m == InterpMode::bilinear ? 2 : 4;
    return {0, 2.0 * static_cast<double>(out.elements()) * taps * 2};
}

void receptive(const Layer& l, FieldState& s) {
    const P& p = *l.get<P>();
    const double extent = p.mode == InterpMode::nearest    ? 0.5
                          : p.mode == InterpMode::bilinear ? 1.0
                                                           : 2.0;
    s.radius += extent * s.pitch;
    if (p.output_w == 0) s.pitch /= std::max(p.width_scale, p.height_scale);
}

}  // namespace

extern const LayerDef kInterpLayer{
    .type = LayerType::interp,
    .ncnn = kForms,
    .shape = shape,
    .flops = flops,
    .receptive = receptive,
    .reference = ref::forward<ref::interp>,
    .xnnpack = xnn::make_interp_step,
    .vulkan = vk::interp_steps,
};

}  // namespace kizuna::nn
