// Registry entry of Pooling (PoolingParams): max or average, windowed or global.
#include <algorithm>

#include <fmt/format.h>

#include "nn/layers/registry.hpp"
#include "nn/ncnn/param_table.hpp"
#include "nn/ref/ref_kernels.hpp"
#include "nn/vulkan/vk_step_builders.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn {
namespace {

using P = PoolingParams;
using F = Fields<P>;

// The window's size, stride and padding matter only without global pooling.
bool windowed(const P& p) {
    return !p.global;
}

constexpr auto kFields = join(
    std::array{
        F::integer<&P::type>(0, "pooling_type").range(0, 1),
        F::integer<&P::kernel_w>(1, "kernel_w").range(1, kMaxKernel).checked_if(windowed),
        F::integer<&P::kernel_h>(11, "kernel_h")
            .default_from(1)
            .range(1, kMaxKernel)
            .checked_if(windowed),
        F::integer<&P::stride_w>(2, "stride_w", 1).range(1, kMaxStride).checked_if(windowed),
        F::integer<&P::stride_h>(12, "stride_h")
            .default_from(2)
            .range(1, kMaxStride)
            .checked_if(windowed),
    },
    F::pads(3, 14, 13, 15, kMaxKernel, windowed),
    std::array{
        F::integer<&P::global>(4, "global_pooling").range(0, 1),
        F::integer<&P::pad_mode>(5, "pad_mode").range(0, 3),
        F::integer<&P::count_include_pad>(6, "avgpool_count_include_pad").range(0, 1),
        F::must_be_off(7, "adaptive pooling is not supported"),
    });
constexpr NcnnLayout<P> kLayout{{}, kFields};
constexpr NcnnForm kForms[] = {ncnn_form("Pooling", kLayout)};

Result<Shape> shape(const ShapeArgs& a) {
    const P& p = *a.layer.get<P>();
    const Shape& in = a.in();
    if (p.global) return Shape{in.c, 1, 1};
    const Padding pad = resolve_pooling_padding(p, in.h, in.w);
    const long long ew = static_cast<long long>(in.w) + pad.left + pad.right;
    const long long eh = static_cast<long long>(in.h) + pad.top + pad.bottom;
    if (ew < p.kernel_w || eh < p.kernel_h)
        return a.fail(fmt::format("input {} is smaller than the window", shape_text(in)));
    return Shape{in.c, static_cast<int>((eh - p.kernel_h) / p.stride_h + 1),
                 static_cast<int>((ew - p.kernel_w) / p.stride_w + 1)};
}

void receptive(const Layer& l, FieldState& s) {
    const P& p = *l.get<P>();
    if (p.global) {
        s.spatial = false;
        s.global = true;
        s.radius = 0;
        return;
    }
    s.radius += std::max(p.kernel_w - 1, p.kernel_h - 1) / 2.0 * s.pitch;
    s.pitch *= std::max(p.stride_w, p.stride_h);
}

bool windows_exact(const Layer& l, const Shape& in) {
    const P& q = *l.get<P>();
    if (q.global) return true;
    const Padding p = resolve_pooling_padding(q, in.h, in.w);
    return window_exact(in.w, p.left + p.right, q.kernel_w, q.stride_w) &&
           window_exact(in.h, p.top + p.bottom, q.kernel_h, q.stride_h);
}

}  // namespace

extern const LayerDef kPoolingLayer{
    .type = LayerType::pooling,
    .ncnn = kForms,
    .shape = shape,
    .flops =
        [](const Layer&, const Shape& in, const Shape&) {
            return LayerFlops{0, static_cast<double>(in.elements())};
        },
    .receptive = receptive,
    .windows_exact = windows_exact,
    .reference = ref::forward<ref::pooling>,
    .xnnpack = xnn::make_pooling_step,
    .vulkan = vk::pooling_steps,
};

}  // namespace kizuna::nn
