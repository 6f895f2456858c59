// Registry entries of Convolution / ConvolutionDepthWise and Deconvolution /
// DeconvolutionDepthWise (ConvolutionParams, definitions in graph/layer.hpp). Key numbers and
// defaults follow ncnn's layer definitions.
#include <algorithm>

#include <fmt/format.h>

#include "nn/layers/registry.hpp"
#include "nn/ncnn/param_table.hpp"
#include "nn/ref/ref_kernels.hpp"
#include "nn/vulkan/vk_step_builders.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn {
namespace {

using P = ConvolutionParams;
using F = Fields<P>;

// ncnn -233 / -234 in pad_left ask a convolution for SAME padding (upper / lower).
bool explicit_pads(const P& p) {
    return p.pad_left != -233 && p.pad_left != -234;
}

// The keys both forms share. pads_checked: when the pads are range-checked (nullptr = always).
constexpr auto common_fields(bool (*pads_checked)(const P&)) {
    return join(
        std::array{
            F::integer<&P::num_output>(0, "num_output").range(1, kMaxChannels),
            F::integer<&P::kernel_w>(1, "kernel_w").range(1, kMaxKernel),
            F::integer<&P::kernel_h>(11, "kernel_h").default_from(1).range(1, kMaxKernel),
            F::integer<&P::dilation_w>(2, "dilation_w", 1).range(1, kMaxStride),
            F::integer<&P::dilation_h>(12, "dilation_h").default_from(2).range(1, kMaxStride),
            F::integer<&P::stride_w>(3, "stride_w", 1).range(1, kMaxStride),
            F::integer<&P::stride_h>(13, "stride_h").default_from(3).range(1, kMaxStride),
        },
        F::pads(4, 15, 14, 16, kMaxPad, pads_checked),
        std::array{
            F::value(5, "bias_term").range(0, 1),
            F::value(6, "weight_data_size"),
            F::integer<&P::group>(7, "group", 1).range(1, kMaxChannels),
            F::activation<&P::activation>(),
        });
}

constexpr auto kConvFields =
    join(common_fields(explicit_pads), std::array{
                                           F::real<&P::pad_value>(18, "pad_value"),
                                           F::must_be_off(8,
                                                          "int8 quantised convolution (key 8) is "
                                                          "not supported"),
                                           F::must_be_off(19,
                                                          "dynamic weights (key 19) are not "
                                                          "supported"),
                                       });

constexpr auto kDeconvFields =
    join(common_fields(nullptr),
         std::array{
             F::integer<&P::output_pad_right>(18, "output_pad_right").range(0, kMaxPad),
             F::integer<&P::output_pad_bottom>(19, "output_pad_bottom")
                 .default_from(18)
                 .range(0, kMaxPad),
             F::integer<&P::output_w>(20, "output_w").range(0, 1 << 20),
             F::integer<&P::output_h>(21, "output_h").default_from(20).range(0, 1 << 20),
             F::must_be_off(28, "dynamic weights (key 28) are not supported"),
         });

// Group and weight-count checks, num_input, and the weight arrays (tagged weights, then bias).
Result<void> finish_common(P& p, const FieldValues& v, std::vector<WeightSpec>& weights) {
    const int bias_term = v.ints[5];
    const int weight_size = v.ints[6];
    if (p.num_output % p.group != 0)
        return corrupt_param(
            fmt::format("num_output {} is not a multiple of group {}", p.num_output, p.group));
    // weight_data_size = num_output * (num_input / group) * kernel_h * kernel_w
    const long long per_input = static_cast<long long>(p.num_output) * p.kernel_w * p.kernel_h;
    if (weight_size <= 0 || weight_size % per_input != 0)
        return corrupt_param(fmt::format(
            "weight_data_size {} is not a positive multiple of num_output*kernel_h*kernel_w = {}",
            weight_size, per_input));
    const long long inputs_per_group = weight_size / per_input;
    if (inputs_per_group * p.group > kMaxChannels)
        return corrupt_param(fmt::format("implied input channels {} exceed {}",
                                         inputs_per_group * p.group, kMaxChannels));
    p.num_input = static_cast<int>(inputs_per_group * p.group);
    weights.push_back({false, static_cast<size_t>(weight_size), true});
    if (bias_term) weights.push_back({true, static_cast<size_t>(p.num_output), false});
    return {};
}

Result<void> finish_conv(P& p, const FieldValues& v, const LayerIo&,
                         std::vector<WeightSpec>& weights) {
    if (!explicit_pads(p)) {
        p.pad_mode = p.pad_left == -233 ? PadMode::same_upper : PadMode::same_lower;
        p.pad_left = p.pad_right = p.pad_top = p.pad_bottom = 0;
    }
    return finish_common(p, v, weights);
}

Result<void> finish_deconv(P& p, const FieldValues& v, const LayerIo&,
                           std::vector<WeightSpec>& weights) {
    return finish_common(p, v, weights);
}

constexpr NcnnLayout<P> kConvLayout{{}, kConvFields, nullptr, finish_conv};
constexpr NcnnLayout<P> kDeconvLayout{{}, kDeconvFields, nullptr, finish_deconv};
// ConvolutionDepthWise with group 1 is an ordinary convolution: both names decode alike.
constexpr NcnnForm kConvForms[] = {ncnn_form("Convolution", kConvLayout),
                                   ncnn_form("ConvolutionDepthWise", kConvLayout)};
constexpr NcnnForm kDeconvForms[] = {ncnn_form("Deconvolution", kDeconvLayout),
                                     ncnn_form("DeconvolutionDepthWise", kDeconvLayout)};

Result<Shape> conv_shape(const ShapeArgs& a) {
    const P& p = *a.layer.get<P>();
    const Shape& in = a.in();
    if (in.c != p.num_input)
        return a.fail(
            fmt::format("input has {} channels, the weights expect {}", in.c, p.num_input));
    const Padding pad = resolve_padding(p, in.h, in.w);
    const long long ew = static_cast<long long>(in.w) + pad.left + pad.right;
    const long long eh = static_cast<long long>(in.h) + pad.top + pad.bottom;
    const long long kw = static_cast<long long>(p.dilation_w) * (p.kernel_w - 1) + 1;
    const long long kh = static_cast<long long>(p.dilation_h) * (p.kernel_h - 1) + 1;
    if (ew < kw || eh < kh)
        return a.fail(fmt::format("input {} (padded {}x{}) is smaller than the kernel {}x{}",
                                  shape_text(in), eh, ew, kh, kw));
    return Shape{p.num_output, static_cast<int>((eh - kh) / p.stride_h + 1),
                 static_cast<int>((ew - kw) / p.stride_w + 1)};
}

Result<Shape> deconv_shape(const ShapeArgs& a) {
    const P& p = *a.layer.get<P>();
    const Shape& in = a.in();
    if (in.c != p.num_input)
        return a.fail(
            fmt::format("input has {} channels, the weights expect {}", in.c, p.num_input));
    const long long fw = (static_cast<long long>(in.w) - 1) * p.stride_w +
                         static_cast<long long>(p.dilation_w) * (p.kernel_w - 1) + 1 +
                         p.output_pad_right;
    const long long fh = (static_cast<long long>(in.h) - 1) * p.stride_h +
                         static_cast<long long>(p.dilation_h) * (p.kernel_h - 1) + 1 +
                         p.output_pad_bottom;
    const long long ow = p.output_w > 0 ? p.output_w : fw - p.pad_left - p.pad_right;
    const long long oh = p.output_h > 0 ? p.output_h : fh - p.pad_top - p.pad_bottom;
    if (ow < 1 || oh < 1 || ow > fw || oh > fh)
        return a.fail(fmt::format("input {} gives an empty output", shape_text(in)));
    return Shape{p.num_output, static_cast<int>(oh), static_cast<int>(ow)};
}

LayerFlops conv_flops(const Layer& l, const Shape&, const Shape& out) {
    const P& p = *l.get<P>();
    return {2.0 * static_cast<double>(out.elements()) * (p.num_input / p.group) * p.kernel_h *
                p.kernel_w,
            0};
}

LayerFlops deconv_flops(const Layer& l, const Shape& in, const Shape&) {
    const P& p = *l.get<P>();
    return {2.0 * static_cast<double>(in.elements()) * (p.num_output / p.group) * p.kernel_h *
                p.kernel_w,
            0};
}

// Half the dilated kernel extent, in blob pixels.
double kernel_radius(const P& p) {
    return std::max(p.dilation_w * (p.kernel_w - 1), p.dilation_h * (p.kernel_h - 1)) / 2.0;
}

void conv_receptive(const Layer& l, FieldState& s) {
    const P& p = *l.get<P>();
    s.radius += kernel_radius(p) * s.pitch;
    s.pitch *= std::max(p.stride_w, p.stride_h);
}

void deconv_receptive(const Layer& l, FieldState& s) {
    const P& p = *l.get<P>();
    s.pitch /= std::max(p.stride_w, p.stride_h);
    s.radius += kernel_radius(p) * s.pitch;
}

bool conv_windows_exact(const Layer& l, const Shape& in) {
    const P& c = *l.get<P>();
    const Padding p = resolve_padding(c, in.h, in.w);
    return window_exact(in.w, p.left + p.right, c.dilation_w * (c.kernel_w - 1) + 1, c.stride_w) &&
           window_exact(in.h, p.top + p.bottom, c.dilation_h * (c.kernel_h - 1) + 1, c.stride_h);
}

}  // namespace

extern const LayerDef kConvolutionLayer{
    .type = LayerType::convolution,
    .ncnn = kConvForms,
    .shape = conv_shape,
    .flops = conv_flops,
    .receptive = conv_receptive,
    .windows_exact = conv_windows_exact,
    .reference = ref::forward<ref::convolution>,
    .xnnpack = xnn::make_conv_step,
    .vulkan = vk::conv_steps,
};

extern const LayerDef kDeconvolutionLayer{
    .type = LayerType::deconvolution,
    .ncnn = kDeconvForms,
    .shape = deconv_shape,
    .flops = deconv_flops,
    .receptive = deconv_receptive,
    .reference = ref::forward<ref::deconvolution>,
    .xnnpack = xnn::make_deconv_step,
    .vulkan = vk::deconv_steps,
};

}  // namespace kizuna::nn
