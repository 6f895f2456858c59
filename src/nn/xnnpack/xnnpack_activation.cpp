#include "nn/xnnpack/xnnpack_activation.hpp"

#include <fmt/format.h>

namespace kizuna::nn::xnn {

Result<Activation> Activation::create(const ActivationParams& params, int channels,
                                      const std::string& where) {
    Activation act;
    const size_t c = static_cast<size_t>(channels);
    xnn_operator_t op = nullptr;
    switch (params.type) {
        case ActivationType::none:
            return act;
        case ActivationType::relu:
        case ActivationType::leaky_relu:
            if (params.alpha == 0.f) {
                act.min_ = 0.f;
                return act;
            }
            KZ_TRY(xnn_check(
                xnn_create_leaky_relu_nc_f32(c, c, c, params.alpha, kXnnOperatorFlags, &op),
                where + ": leaky ReLU create"));
            act.post_ = ActivationType::leaky_relu;
            act.op_ = XnnOperator(op);
            return act;
        case ActivationType::clip:
            act.min_ = params.alpha;
            act.max_ = params.beta;
            return act;
        case ActivationType::sigmoid:
            KZ_TRY(xnn_check(xnn_create_sigmoid_nc_f32(c, c, c, kXnnOperatorFlags, &op),
                             where + ": sigmoid create"));
            act.post_ = ActivationType::sigmoid;
            act.op_ = XnnOperator(op);
            return act;
        default:
            break;
    }
    return make_error(Errc::unsupported,
                      fmt::format("{}: activation type {} has no XNNPACK equivalent", where,
                                  static_cast<int>(params.type)));
}

Result<void> Activation::setup(const NhwcView& view, pthreadpool_t pool, const std::string& where) {
    const size_t pixels = static_cast<size_t>(view.height) * view.width;
    if (post_ == ActivationType::leaky_relu) {
        return xnn_check(xnn_setup_leaky_relu_nc_f32(op_.get(), pixels, view.data, view.data, pool),
                         where + ": leaky ReLU setup");
    }
    if (post_ == ActivationType::sigmoid) {
        return xnn_check(xnn_setup_sigmoid_nc_f32(op_.get(), pixels, view.data, view.data, pool),
                         where + ": sigmoid setup");
    }
    return {};
}

Result<void> Activation::run(pthreadpool_t pool, const std::string& where) const {
    if (!op_) return {};
    return xnn_check(xnn_run_operator(op_.get(), pool), where, "activation run");
}

}  // namespace kizuna::nn::xnn
