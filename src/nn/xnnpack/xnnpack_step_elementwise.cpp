// Element-wise steps: PReLU, stand-alone activations, BinaryOp, Eltwise and Scale, on XNNPACK
// operators (binary ops broadcast numpy-style over NHWC dims) or our own kernels.
#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "core/enum_names.hpp"
#include "nn/xnnpack/xnnpack_activation.hpp"
#include "nn/xnnpack/xnnpack_operator_step.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn::xnn {
namespace {

using BinaryCreate = xnn_status (*)(float, float, uint32_t, xnn_operator_t*);
using BinarySetup = xnn_status (*)(xnn_operator_t, size_t, const size_t*, size_t, const size_t*,
                                   const float*, const float*, float*, pthreadpool_t);

constexpr float kInf = std::numeric_limits<float>::infinity();

struct BinaryKind {
    BinaryCreate create = nullptr;
    BinarySetup setup = nullptr;
    bool swap = false;
};

// XNNPACK's maximum and minimum take no output range.
constexpr BinaryCreate kCreateMaximum = [](float, float, uint32_t flags, xnn_operator_t* op) {
    return xnn_create_maximum_nd_f32(flags, op);
};
constexpr BinaryCreate kCreateMinimum = [](float, float, uint32_t flags, xnn_operator_t* op) {
    return xnn_create_minimum_nd_f32(flags, op);
};

// By BinaryOpType; {} = no XNNPACK equivalent.
constexpr BinaryKind kBinaryKinds[] = {
    {xnn_create_add_nd_f32, xnn_setup_add_nd_f32, false},            // add
    {xnn_create_subtract_nd_f32, xnn_setup_subtract_nd_f32, false},  // sub
    {xnn_create_multiply_nd_f32, xnn_setup_multiply_nd_f32, false},  // mul
    {xnn_create_divide_nd_f32, xnn_setup_divide_nd_f32, false},      // div
    {kCreateMaximum, xnn_setup_maximum_nd_f32, false},               // max
    {kCreateMinimum, xnn_setup_minimum_nd_f32, false},               // min
    {},                                                              // pow
    {xnn_create_subtract_nd_f32, xnn_setup_subtract_nd_f32, true},   // rsub
    {xnn_create_divide_nd_f32, xnn_setup_divide_nd_f32, true},       // rdiv
    {},                                                              // rpow
    {},                                                              // atan2
    {},                                                              // ratan2
};

BinaryKind binary_kind(BinaryOpType op) {
    return enum_lookup<BinaryOpType::ratan2>(op, kBinaryKinds, BinaryKind{});
}

// NHWC dims of a view, for XNNPACK's nd broadcasting.
void dims_of(const NhwcView& v, size_t (&d)[3]) {
    d[0] = static_cast<size_t>(v.height);
    d[1] = static_cast<size_t>(v.width);
    d[2] = static_cast<size_t>(v.channels);
}

// A chain of XNNPACK binary operators: out = a (op) b, then out = out (op) c, ...
// For BinaryOp (2 inputs), Eltwise prod/max (n inputs) and Scale from a second input.
class BinaryStep final : public Step {
public:
    BinaryStep(std::string where, BinaryKind kind, std::vector<XnnOperator> ops)
        : where_(std::move(where)), kind_(kind), ops_(std::move(ops)) {}

    Result<void> setup(const std::vector<NhwcView>& in, const std::vector<NhwcView>& out,
                       pthreadpool_t pool) override {
        const NhwcView& y = out[0];
        size_t dy[3];
        dims_of(y, dy);
        for (size_t k = 0; k < ops_.size(); ++k) {
            NhwcView a = k == 0 ? in[0] : y;
            NhwcView b = in[k + 1];
            if (kind_.swap) std::swap(a, b);
            size_t da[3];
            size_t db[3];
            dims_of(a, da);
            dims_of(b, db);
            KZ_TRY(xnn_check(kind_.setup(ops_[k].get(), 3, da, 3, db, a.data, b.data, y.data, pool),
                             where_ + ": binary setup"));
        }
        return {};
    }

    Result<void> run(pthreadpool_t pool) override {
        for (const XnnOperator& op : ops_) {
            KZ_TRY(xnn_check(xnn_run_operator(op.get(), pool), where_, "binary run"));
        }
        return {};
    }

    StepKind kind() const noexcept override { return StepKind::xnnpack; }

private:
    std::string where_;
    BinaryKind kind_;
    std::vector<XnnOperator> ops_;
};

Result<std::unique_ptr<Step>> make_binary_chain(const std::string& where, BinaryKind kind,
                                                size_t count) {
    std::vector<XnnOperator> ops;
    for (size_t k = 0; k < count; ++k) {
        xnn_operator_t op = nullptr;
        KZ_TRY(
            xnn_check(kind.create(-kInf, kInf, kXnnOperatorFlags, &op), where + ": binary create"));
        ops.emplace_back(op);
    }
    return std::unique_ptr<Step>(std::make_unique<BinaryStep>(where, kind, std::move(ops)));
}

// The setup of XNNPACK's unary operators on `batch` pixels.
using UnarySetup = xnn_status (*)(xnn_operator_t, size_t batch, const float*, float*,
                                  pthreadpool_t);

// Per-channel PReLU (xnn prelu) or one slope (xnn leaky ReLU); stand-alone activations
// (xnn clamp, leaky ReLU, sigmoid). All operate on `channels`-wide pixels; `setup` is the
// operator's setup function.
class UnaryStep final : public OperatorStep {
public:
    UnaryStep(std::string where, UnarySetup setup, XnnOperator xop)
        : OperatorStep(std::move(where), std::move(xop)), setup_(setup) {}

    Result<void> setup(const std::vector<NhwcView>& in, const std::vector<NhwcView>& out,
                       pthreadpool_t pool) override {
        const size_t n = static_cast<size_t>(in[0].height) * in[0].width;
        return xnn_check(setup_(op_.get(), n, in[0].data, out[0].data, pool), where_ + ": setup");
    }

private:
    UnarySetup setup_;
};

// Own kernels: Eltwise sum with coefficients, BinaryOp with a scalar, Scale with weights.
class OwnElementwiseStep final : public Step {
public:
    enum class Op { weighted_sum, scalar, scale };
    OwnElementwiseStep(Op op, std::vector<float> a, std::vector<float> b, int scalar_op,
                       float scalar)
        : op_(op), a_(std::move(a)), b_(std::move(b)), scalar_op_(scalar_op), scalar_(scalar) {}

    Result<void> setup(const std::vector<NhwcView>& in, const std::vector<NhwcView>& out,
                       pthreadpool_t) override {
        in_ = in;
        out_ = out[0];
        if (op_ == Op::weighted_sum && a_.size() < in.size()) a_.resize(in.size(), 1.f);
        return {};
    }

    Result<void> run(pthreadpool_t pool) override {
        switch (op_) {
            case Op::weighted_sum:
                weighted_sum(in_.data(), a_.data(), static_cast<int>(in_.size()), out_, pool);
                break;
            case Op::scalar:
                binary_scalar(in_[0], scalar_op_, scalar_, out_, pool);
                break;
            case Op::scale:
                scale_channels(in_[0], a_.data(), b_.empty() ? nullptr : b_.data(), out_, pool);
                break;
        }
        return {};
    }

    StepKind kind() const noexcept override { return StepKind::own; }

private:
    Op op_;
    std::vector<float> a_;  // coefficients or scales
    std::vector<float> b_;  // bias
    int scalar_op_;
    float scalar_;
    std::vector<NhwcView> in_;
    NhwcView out_;
};

std::unique_ptr<Step> own(OwnElementwiseStep::Op op, std::vector<float> a = {},
                          std::vector<float> b = {}, int scalar_op = 0, float scalar = 0.f) {
    return std::make_unique<OwnElementwiseStep>(op, std::move(a), std::move(b), scalar_op, scalar);
}

// Channel count of a layer's output, known only from shapes; unary XNNPACK ops need it at
// creation, so these steps are created lazily at first setup.
class LazyUnaryStep final : public Step {
public:
    LazyUnaryStep(std::string where, const Layer& layer)
        : where_(std::move(where)), layer_(&layer) {}

    Result<void> setup(const std::vector<NhwcView>& in, const std::vector<NhwcView>& out,
                       pthreadpool_t pool) override {
        const int c = in[0].channels;
        if (!inner_ || c != channels_) {
            auto made = build(c);
            if (!made) return std::move(made).error();
            inner_ = std::move(*made);
            channels_ = c;
        }
        return inner_->setup(in, out, pool);
    }

    Result<void> run(pthreadpool_t pool) override { return inner_->run(pool); }
    StepKind kind() const noexcept override { return StepKind::xnnpack; }

private:
    // The step around `op`, freshly created (owned from here on).
    std::unique_ptr<Step> unary(UnarySetup setup, xnn_operator_t op) const {
        return std::make_unique<UnaryStep>(where_, setup, XnnOperator(op));
    }

    Result<std::unique_ptr<Step>> build(int channels) {
        const size_t c = static_cast<size_t>(channels);
        xnn_operator_t op = nullptr;
        if (const PReluParams* p = layer_->get<PReluParams>()) {
            if (p->num_slope == 1) {
                KZ_TRY(xnn_check(xnn_create_leaky_relu_nc_f32(c, c, c, layer_->weights[0],
                                                              kXnnOperatorFlags, &op),
                                 where_ + ": leaky ReLU create"));
                return unary(xnn_setup_leaky_relu_nc_f32, op);
            }
            if (p->num_slope != channels) {
                return make_error(
                    Errc::invalid_argument,
                    fmt::format("{}: {} slopes for {} channels", where_, p->num_slope, channels));
            }
            KZ_TRY(xnn_check(
                xnn_create_prelu_nc_f32(c, c, c, layer_->weights.data(), kXnnOperatorFlags, &op),
                where_ + ": PReLU create"));
            return unary(xnn_setup_prelu_nc_f32, op);
        }
        const ActivationParams& a = *layer_->get<ActivationParams>();
        const bool zero_slope =
            (a.type == ActivationType::relu || a.type == ActivationType::leaky_relu) &&
            a.alpha == 0.f;
        if (zero_slope || a.type == ActivationType::clip) {
            const float lo = zero_slope ? 0.f : a.alpha;
            const float hi = zero_slope ? kInf : a.beta;
            KZ_TRY(xnn_check(xnn_create_clamp_nc_f32(c, c, c, lo, hi, kXnnOperatorFlags, &op),
                             where_ + ": clamp create"));
            return unary(xnn_setup_clamp_nc_f32, op);
        }
        if (a.type == ActivationType::relu || a.type == ActivationType::leaky_relu) {
            KZ_TRY(xnn_check(xnn_create_leaky_relu_nc_f32(c, c, c, a.alpha, kXnnOperatorFlags, &op),
                             where_ + ": leaky ReLU create"));
            return unary(xnn_setup_leaky_relu_nc_f32, op);
        }
        KZ_TRY(xnn_check(xnn_create_sigmoid_nc_f32(c, c, c, kXnnOperatorFlags, &op),
                         where_ + ": sigmoid create"));
        return unary(xnn_setup_sigmoid_nc_f32, op);
    }

    std::string where_;
    const Layer* layer_;
    std::unique_ptr<Step> inner_;
    int channels_ = 0;
};

}  // namespace

StepResult make_prelu_step(const StepArgs& args, std::string&) {
    return std::unique_ptr<Step>(
        std::make_unique<LazyUnaryStep>(layer_where(args.layer), args.layer));
}

StepResult make_activation_step(const StepArgs& args, std::string& why) {
    const ActivationParams& a = *args.layer.get<ActivationParams>();
    if (a.type == ActivationType::relu || a.type == ActivationType::leaky_relu ||
        a.type == ActivationType::clip || a.type == ActivationType::sigmoid) {
        return std::unique_ptr<Step>(
            std::make_unique<LazyUnaryStep>(layer_where(args.layer), args.layer));
    }
    if (a.type == ActivationType::none) return make_copy_step();
    return decline(why, "activation without an XNNPACK equivalent");
}

StepResult make_binary_op_step(const StepArgs& args, std::string& why) {
    const BinaryOpParams& p = *args.layer.get<BinaryOpParams>();
    if (p.with_scalar) {
        const int op = static_cast<int>(p.op);
        if (op <= 8 && op != 6) return own(OwnElementwiseStep::Op::scalar, {}, {}, op, p.scalar);
        return decline(why, "scalar operation without an own kernel");
    }
    const BinaryKind kind = binary_kind(p.op);
    if (kind.create == nullptr)
        return decline(why, "binary operation without an XNNPACK equivalent");
    return make_binary_chain(layer_where(args.layer), kind, 1);
}

StepResult make_eltwise_step(const StepArgs& args, std::string&) {
    const EltwiseParams& p = *args.layer.get<EltwiseParams>();
    if (p.op == EltwiseOp::sum) return own(OwnElementwiseStep::Op::weighted_sum, p.coefficients);
    const BinaryKind kind =
        p.op == EltwiseOp::prod ? binary_kind(BinaryOpType::mul) : binary_kind(BinaryOpType::max);
    return make_binary_chain(layer_where(args.layer), kind, args.layer.inputs.size() - 1);
}

StepResult make_scale_step(const StepArgs& args, std::string&) {
    const ScaleParams& p = *args.layer.get<ScaleParams>();
    if (p.from_input) {
        return make_binary_chain(layer_where(args.layer), binary_kind(BinaryOpType::mul), 1);
    }
    return own(OwnElementwiseStep::Op::scale, args.layer.weights, args.layer.bias);
}

}  // namespace kizuna::nn::xnn
