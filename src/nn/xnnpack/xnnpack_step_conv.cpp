// Convolution, deconvolution and inner-product steps on XNNPACK operators.
#include <fmt/format.h>

#include <utility>

#include "nn/xnnpack/xnnpack_activation.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"
#include "nn/xnnpack/xnnpack_weights.hpp"

namespace kizuna::nn::xnn {
namespace {

Result<void> check_view(const NhwcView& v, int h, int w, int c, const std::string& where) {
    if (v.height == h && v.width == w && v.channels == c) return {};
    return make_error(Errc::internal,
                      fmt::format("{}: XNNPACK output {}x{}x{} but the plan says {}x{}x{}", where,
                                  c, h, w, v.channels, v.height, v.width));
}

// Convolution or deconvolution on one XNNPACK operator, then the activation's post operator.
class ConvStep final : public Step {
public:
    ConvStep(std::string where, ConvolutionParams p, bool transposed, Activation act,
             XnnOperator op)
        : where_(std::move(where)),
          p_(p),
          transposed_(transposed),
          act_(std::move(act)),
          op_(std::move(op)) {}

    Result<void> setup(const std::vector<NhwcView>& in, const std::vector<NhwcView>& out,
                       pthreadpool_t pool) override {
        const NhwcView& x = in[0];
        const NhwcView& y = out[0];
        // The output size XNNPACK computes from its own parameters must be the plan's.
        const auto [oh, ow] = xnnpack_output_size(x.height, x.width);
        KZ_TRY(check_view(y, oh, ow, p_.num_output, where_));
        const xnn_status st = transposed_
                                  ? xnn_setup_deconvolution2d_nhwc_f32(
                                        op_.get(), 1, x.height, x.width, p_.output_pad_bottom,
                                        p_.output_pad_right, x.data, y.data, pool)
                                  : xnn_setup_convolution2d_nhwc_f32(op_.get(), 1, x.height,
                                                                     x.width, x.data, y.data, pool);
        KZ_TRY(xnn_check(st,
                         where_ + (transposed_ ? ": deconvolution setup" : ": convolution setup")));
        return act_.setup(y, pool, where_);
    }

    Result<void> run(pthreadpool_t pool) override {
        KZ_TRY(xnn_check(xnn_run_operator(op_.get(), pool), where_,
                         transposed_ ? "deconvolution run" : "convolution run"));
        return act_.run(pool, where_);
    }

    StepKind kind() const noexcept override { return StepKind::xnnpack; }

private:
    std::pair<int, int> xnnpack_output_size(int h, int w) const {
        const int eh = p_.dilation_h * (p_.kernel_h - 1) + 1;
        const int ew = p_.dilation_w * (p_.kernel_w - 1) + 1;
        if (transposed_) {
            return {(h - 1) * p_.stride_h + eh + p_.output_pad_bottom - p_.pad_top - p_.pad_bottom,
                    (w - 1) * p_.stride_w + ew + p_.output_pad_right - p_.pad_left - p_.pad_right};
        }
        if (p_.pad_mode == PadMode::same_upper)
            return {(h + p_.stride_h - 1) / p_.stride_h, (w + p_.stride_w - 1) / p_.stride_w};
        return {(h + p_.pad_top + p_.pad_bottom - eh) / p_.stride_h + 1,
                (w + p_.pad_left + p_.pad_right - ew) / p_.stride_w + 1};
    }

    std::string where_;
    ConvolutionParams p_;
    bool transposed_;
    Activation act_;
    XnnOperator op_;
};

// Fully connected on a C x H x W input flattened in ncnn's C, H, W order. The operator is
// created at setup, because NHWC flattening order depends on H and W (weights are permuted to
// H, W, C order when H * W > 1).
class InnerProductStep final : public Step {
public:
    InnerProductStep(std::string where, const Layer& layer, Activation act)
        : where_(std::move(where)),
          p_(*layer.get<InnerProductParams>()),
          weights_(layer.weights),
          bias_(layer.bias),
          act_(std::move(act)) {}

    Result<void> setup(const std::vector<NhwcView>& in, const std::vector<NhwcView>& out,
                       pthreadpool_t pool) override {
        const NhwcView& x = in[0];
        const NhwcView& y = out[0];
        const size_t hw = static_cast<size_t>(x.height) * x.width;
        const size_t n = hw * x.channels;
        if (n != static_cast<size_t>(p_.num_input)) {
            return make_error(
                Errc::invalid_argument,
                fmt::format("{}: input has {} values, weights expect {}", where_, n, p_.num_input));
        }
        KZ_TRY(check_view(y, 1, 1, p_.num_output, where_));
        if (!op_ || hw != built_hw_) {
            std::vector<float> w = weights_;
            if (hw > 1) {
                const size_t c_n = static_cast<size_t>(x.channels);
                for (int o = 0; o < p_.num_output; ++o) {
                    const float* src = weights_.data() + o * n;
                    float* dst = w.data() + o * n;
                    for (size_t c = 0; c < c_n; ++c) {
                        for (size_t p = 0; p < hw; ++p) dst[p * c_n + c] = src[c * hw + p];
                    }
                }
            }
            xnn_operator_t op = nullptr;
            KZ_TRY(xnn_check(xnn_create_fully_connected_nc_f32(
                                 n, p_.num_output, n, p_.num_output, w.data(),
                                 bias_.empty() ? nullptr : bias_.data(), act_.fused_min(),
                                 act_.fused_max(), kXnnOperatorFlags, &op),
                             where_ + ": fully connected create"));
            op_ = XnnOperator(op);
            built_hw_ = hw;
        }
        KZ_TRY(xnn_check(xnn_setup_fully_connected_nc_f32(op_.get(), 1, x.data, y.data, pool),
                         where_ + ": fully connected setup"));
        return act_.setup(y, pool, where_);
    }

    Result<void> run(pthreadpool_t pool) override {
        KZ_TRY(xnn_check(xnn_run_operator(op_.get(), pool), where_, "fully connected run"));
        return act_.run(pool, where_);
    }

    StepKind kind() const noexcept override { return StepKind::xnnpack; }

private:
    std::string where_;
    InnerProductParams p_;
    std::vector<float> weights_;
    std::vector<float> bias_;
    Activation act_;
    XnnOperator op_;
    size_t built_hw_ = 0;
};

// The step around a freshly created (de)convolution operator `op` (owned from here on); nullptr
// with `why` when XNNPACK rejected the parameters, so the layer falls back to the reference.
StepResult conv_step(xnn_status st, xnn_operator_t op, const std::string& where,
                     const ConvolutionParams& p, bool transposed, Activation act,
                     std::string& why) {
    XnnOperator owned(op);
    if (st == xnn_status_unsupported_parameter || st == xnn_status_invalid_parameter)
        return decline(why,
                       fmt::format("XNNPACK rejected the parameters ({})", xnn_status_name(st)));
    KZ_TRY(xnn_check(st, where + (transposed ? ": deconvolution create" : ": convolution create")));
    return std::unique_ptr<Step>(
        std::make_unique<ConvStep>(where, p, transposed, std::move(act), std::move(owned)));
}

}  // namespace

StepResult make_conv_step(const StepArgs& args, std::string& why) {
    const Layer& layer = args.layer;
    const StepHints& hints = args.hints;
    {
        auto direct = make_direct_conv_step(layer, hints, why);
        if (!direct || *direct) return direct;
        why.clear();
    }
    const ConvolutionParams& p = *layer.get<ConvolutionParams>();
    const std::string where = layer_where(layer);
    if (p.pad_mode == PadMode::same_lower) return decline(why, "same_lower padding");
    if (p.pad_value != 0.f) return decline(why, "non-zero pad value");
    auto act = Activation::create(p.activation, p.num_output, where);
    if (!act) return decline(why, act.error().message);
    std::vector<int> perm;
    if (hints.shuffle_permute_r > 0) {
        const int rr = hints.shuffle_permute_r * hints.shuffle_permute_r;
        perm = pixel_shuffle_permutation(p.num_output / rr, hints.shuffle_permute_r);
    }
    const std::vector<float> kernel = ncnn_to_xnn_kernel(layer.weights, p.num_output, p.num_input,
                                                         p.group, p.kernel_h, p.kernel_w, perm);
    const std::vector<float> bias = permute_bias(layer.bias, perm);
    const bool same = p.pad_mode == PadMode::same_upper;
    xnn_operator_t op = nullptr;
    const xnn_status st = xnn_create_convolution2d_nhwc_f32(
        same ? 0 : p.pad_top, same ? 0 : p.pad_right, same ? 0 : p.pad_bottom,
        same ? 0 : p.pad_left, p.kernel_h, p.kernel_w, p.stride_h, p.stride_w, p.dilation_h,
        p.dilation_w, p.group, p.num_input / p.group, p.num_output / p.group, p.num_input,
        p.num_output, kernel.data(), bias.empty() ? nullptr : bias.data(), act->fused_min(),
        act->fused_max(), kXnnOperatorFlags | (same ? XNN_FLAG_TENSORFLOW_SAME_PADDING : 0u), &op);
    return conv_step(st, op, where, p, false, std::move(*act), why);
}

StepResult make_deconv_step(const StepArgs& args, std::string& why) {
    const Layer& layer = args.layer;
    const ConvolutionParams& p = *layer.get<ConvolutionParams>();
    const std::string where = layer_where(layer);
    if (p.pad_mode != PadMode::explicit_pads || p.output_w > 0 || p.output_h > 0)
        return decline(why, "output size or SAME padding not expressible as XNNPACK crops");
    if (p.output_pad_bottom >= p.stride_h || p.output_pad_right >= p.stride_w)
        return decline(why, "output padding not smaller than the stride");
    auto act = Activation::create(p.activation, p.num_output, where);
    if (!act) return decline(why, act.error().message);
    const std::vector<float> kernel = ncnn_to_xnn_kernel(layer.weights, p.num_output, p.num_input,
                                                         p.group, p.kernel_h, p.kernel_w, {});
    xnn_operator_t op = nullptr;
    const xnn_status st = xnn_create_deconvolution2d_nhwc_f32(
        p.pad_top, p.pad_right, p.pad_bottom, p.pad_left, p.kernel_h, p.kernel_w, p.stride_h,
        p.stride_w, p.dilation_h, p.dilation_w, p.group, p.num_input / p.group,
        p.num_output / p.group, p.num_input, p.num_output, kernel.data(),
        layer.bias.empty() ? nullptr : layer.bias.data(), act->fused_min(), act->fused_max(),
        kXnnOperatorFlags, &op);
    return conv_step(st, op, where, p, true, std::move(*act), why);
}

StepResult make_inner_product_step(const StepArgs& args, std::string& why) {
    const Layer& layer = args.layer;
    const InnerProductParams& p = *layer.get<InnerProductParams>();
    const std::string where = layer_where(layer);
    auto act = Activation::create(p.activation, p.num_output, where);
    if (!act) return decline(why, act.error().message);
    return std::unique_ptr<Step>(std::make_unique<InnerProductStep>(where, layer, std::move(*act)));
}

}  // namespace kizuna::nn::xnn
