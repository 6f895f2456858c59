// Convolution, deconvolution and inner-product steps on XNNPACK operators.
#include <fmt/format.h>

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

class ConvStep final : public Step {
public:
    ConvStep(std::string where, ConvolutionParams p, Activation act, XnnOperator op)
        : where_(std::move(where)), p_(p), act_(std::move(act)), op_(std::move(op)) {}

    Result<void> setup(const std::vector<NhwcView>& in, const std::vector<NhwcView>& out,
                       pthreadpool_t pool) override {
        const NhwcView& x = in[0];
        const NhwcView& y = out[0];
        int oh = 0;
        int ow = 0;
        if (p_.pad_mode == PadMode::same_upper) {
            oh = (x.height + p_.stride_h - 1) / p_.stride_h;
            ow = (x.width + p_.stride_w - 1) / p_.stride_w;
        } else {
            oh = (x.height + p_.pad_top + p_.pad_bottom - p_.dilation_h * (p_.kernel_h - 1) - 1) /
                     p_.stride_h +
                 1;
            ow = (x.width + p_.pad_left + p_.pad_right - p_.dilation_w * (p_.kernel_w - 1) - 1) /
                     p_.stride_w +
                 1;
        }
        KZ_TRY(check_view(y, oh, ow, p_.num_output, where_));
        KZ_TRY(xnn_check(
            xnn_setup_convolution2d_nhwc_f32(op_.get(), 1, x.height, x.width, x.data, y.data, pool),
            where_ + ": convolution setup"));
        return act_.setup(y, pool, where_);
    }

    Result<void> run(pthreadpool_t pool) override {
        KZ_TRY(xnn_check(xnn_run_operator(op_.get(), pool), where_, "convolution run"));
        return act_.run(pool, where_);
    }

    StepKind kind() const noexcept override { return StepKind::xnnpack; }

private:
    std::string where_;
    ConvolutionParams p_;
    Activation act_;
    XnnOperator op_;
};

class DeconvStep final : public Step {
public:
    DeconvStep(std::string where, ConvolutionParams p, Activation act, XnnOperator op)
        : where_(std::move(where)), p_(p), act_(std::move(act)), op_(std::move(op)) {}

    Result<void> setup(const std::vector<NhwcView>& in, const std::vector<NhwcView>& out,
                       pthreadpool_t pool) override {
        const NhwcView& x = in[0];
        const NhwcView& y = out[0];
        const int oh = (x.height - 1) * p_.stride_h + p_.dilation_h * (p_.kernel_h - 1) + 1 +
                       p_.output_pad_bottom - p_.pad_top - p_.pad_bottom;
        const int ow = (x.width - 1) * p_.stride_w + p_.dilation_w * (p_.kernel_w - 1) + 1 +
                       p_.output_pad_right - p_.pad_left - p_.pad_right;
        KZ_TRY(check_view(y, oh, ow, p_.num_output, where_));
        KZ_TRY(xnn_check(xnn_setup_deconvolution2d_nhwc_f32(
                             op_.get(), 1, x.height, x.width, p_.output_pad_bottom,
                             p_.output_pad_right, x.data, y.data, pool),
                         where_ + ": deconvolution setup"));
        return act_.setup(y, pool, where_);
    }

    Result<void> run(pthreadpool_t pool) override {
        KZ_TRY(xnn_check(xnn_run_operator(op_.get(), pool), where_, "deconvolution run"));
        return act_.run(pool, where_);
    }

    StepKind kind() const noexcept override { return StepKind::xnnpack; }

private:
    std::string where_;
    ConvolutionParams p_;
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

}  // namespace

Result<std::unique_ptr<Step>> make_conv_step(const Layer& layer, const StepHints& hints,
                                             std::string& why) {
    {
        auto direct = make_direct_conv_step(layer, hints, why);
        if (!direct || *direct) return direct;
        why.clear();
    }
    const ConvolutionParams& p = *layer.get<ConvolutionParams>();
    const std::string where = layer_where(layer);
    if (p.pad_mode == PadMode::same_lower) {
        why = "same_lower padding";
        return std::unique_ptr<Step>();
    }
    if (p.pad_value != 0.f) {
        why = "non-zero pad value";
        return std::unique_ptr<Step>();
    }
    auto act = Activation::create(p.activation, p.num_output, where);
    if (!act) {
        why = act.error().message;
        return std::unique_ptr<Step>();
    }
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
    if (st == xnn_status_unsupported_parameter || st == xnn_status_invalid_parameter) {
        why = fmt::format("XNNPACK rejected the parameters ({})", xnn_status_name(st));
        return std::unique_ptr<Step>();
    }
    KZ_TRY(xnn_check(st, where + ": convolution create"));
    return std::unique_ptr<Step>(
        std::make_unique<ConvStep>(where, p, std::move(*act), XnnOperator(op)));
}

Result<std::unique_ptr<Step>> make_deconv_step(const Layer& layer, std::string& why) {
    const ConvolutionParams& p = *layer.get<ConvolutionParams>();
    const std::string where = layer_where(layer);
    if (p.pad_mode != PadMode::explicit_pads || p.output_w > 0 || p.output_h > 0) {
        why = "output size or SAME padding not expressible as XNNPACK crops";
        return std::unique_ptr<Step>();
    }
    if (p.output_pad_bottom >= p.stride_h || p.output_pad_right >= p.stride_w) {
        why = "output padding not smaller than the stride";
        return std::unique_ptr<Step>();
    }
    auto act = Activation::create(p.activation, p.num_output, where);
    if (!act) {
        why = act.error().message;
        return std::unique_ptr<Step>();
    }
    const std::vector<float> kernel = ncnn_to_xnn_kernel(layer.weights, p.num_output, p.num_input,
                                                         p.group, p.kernel_h, p.kernel_w, {});
    xnn_operator_t op = nullptr;
    const xnn_status st = xnn_create_deconvolution2d_nhwc_f32(
        p.pad_top, p.pad_right, p.pad_bottom, p.pad_left, p.kernel_h, p.kernel_w, p.stride_h,
        p.stride_w, p.dilation_h, p.dilation_w, p.group, p.num_input / p.group,
        p.num_output / p.group, p.num_input, p.num_output, kernel.data(),
        layer.bias.empty() ? nullptr : layer.bias.data(), act->fused_min(), act->fused_max(),
        kXnnOperatorFlags, &op);
    if (st == xnn_status_unsupported_parameter || st == xnn_status_invalid_parameter) {
        why = fmt::format("XNNPACK rejected the parameters ({})", xnn_status_name(st));
        return std::unique_ptr<Step>();
    }
    KZ_TRY(xnn_check(st, where + ": deconvolution create"));
    return std::unique_ptr<Step>(
        std::make_unique<DeconvStep>(where, p, std::move(*act), XnnOperator(op)));
}

Result<std::unique_ptr<Step>> make_inner_product_step(const Layer& layer, std::string& why) {
    const InnerProductParams& p = *layer.get<InnerProductParams>();
    const std::string where = layer_where(layer);
    auto act = Activation::create(p.activation, p.num_output, where);
    if (!act) {
        why = act.error().message;
        return std::unique_ptr<Step>();
    }
    return std::unique_ptr<Step>(std::make_unique<InnerProductStep>(where, layer, std::move(*act)));
}

}  // namespace kizuna::nn::xnn
