// Registry entry of PixelShuffle (PixelShuffleParams): depth to space by upscale_factor.
#include <climits>

#include <fmt/format.h>

#include "nn/layers/registry.hpp"
#include "nn/ncnn/param_table.hpp"
#include "nn/ref/ref_kernels.hpp"
#include "nn/vulkan/vk_step_builders.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn {
namespace {

using P = PixelShuffleParams;
using F = Fields<P>;

constexpr ParamField<P> kFields[] = {
    F::integer<&P::upscale_factor>(0, "upscale_factor", 1).range(1, 16),
    F::integer<&P::mode>(1, "mode").range(0, 1),
};
constexpr NcnnLayout<P> kLayout{{}, kFields};
constexpr NcnnForm kForms[] = {ncnn_form("PixelShuffle", kLayout)};

Result<Shape> shape(const ShapeArgs& a) {
    const P& p = *a.layer.get<P>();
    const Shape& in = a.in();
    const int r2 = p.upscale_factor * p.upscale_factor;
    if (in.c % r2 != 0) return a.fail(fmt::format("{} channels is not a multiple of {}", in.c, r2));
    const long long h = static_cast<long long>(in.h) * p.upscale_factor;
    const long long w = static_cast<long long>(in.w) * p.upscale_factor;
    if (h > INT_MAX || w > INT_MAX) return a.fail("output too large");
    return Shape{in.c / r2, static_cast<int>(h), static_cast<int>(w)};
}

}  // namespace

extern const LayerDef kPixelShuffleLayer{
    .type = LayerType::pixel_shuffle,
    .ncnn = kForms,
    .shape = shape,
    .receptive = [](const Layer& l, FieldState& s) { s.pitch /= l.get<P>()->upscale_factor; },
    .reference = ref::forward<ref::pixel_shuffle>,
    .xnnpack = xnn::make_pixel_shuffle_step,
    .vulkan = vk::pixel_shuffle_steps,
};

}  // namespace kizuna::nn
