// Data-movement steps: pixel shuffle, resize, crop, concat, global pooling, copy and no-op.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>

#include "nn/xnnpack/xnnpack_handles.hpp"
#include "nn/xnnpack/xnnpack_operator_step.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn::xnn {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

class NoopStep final : public Step {
public:
    Result<void> setup(const std::vector<NhwcView>&, const std::vector<NhwcView>&,
                       pthreadpool_t) override {
        return {};
    }
    Result<void> run(pthreadpool_t) override { return {}; }
    StepKind kind() const noexcept override { return StepKind::own; }
};

// Our own kernels with no weights; the operation is chosen at construction.
class OwnDataStep final : public Step {
public:
    enum class Op { copy, nearest, shuffle, crop, concat, bicubic };
    // layer may be null for Op::copy.
    OwnDataStep(std::string where, Op op, const Layer* layer)
        : where_(std::move(where)), op_(op), layer_(layer) {}

    Result<void> setup(const std::vector<NhwcView>& in, const std::vector<NhwcView>& out,
                       pthreadpool_t) override {
        in_ = in;
        out_ = out[0];
        if (op_ == Op::crop) return resolve_crop();
        if (op_ == Op::concat) return resolve_concat();
        if (op_ == Op::shuffle) r_ = layer_->get<PixelShuffleParams>()->upscale_factor;
        if (op_ == Op::bicubic) {
            const bool align = layer_->get<InterpParams>()->align_corner;
            const NhwcView& x = in_[0];
            xi_.resize(static_cast<size_t>(out_.width) * 4);
            xw_.resize(xi_.size());
            yi_.resize(static_cast<size_t>(out_.height) * 4);
            yw_.resize(yi_.size());
            bicubic_table(x.width, out_.width, align, xi_.data(), xw_.data());
            bicubic_table(x.height, out_.height, align, yi_.data(), yw_.data());
        }
        return {};
    }

    Result<void> run(pthreadpool_t pool) override {
        switch (op_) {
            case Op::copy:
                crop(in_[0], 0, 0, 0, out_, pool);
                break;
            case Op::nearest:
                resize_nearest(in_[0], out_, pool);
                break;
            case Op::shuffle:
                pixel_shuffle_ncnn(in_[0], out_, r_, pool);
                break;
            case Op::crop:
                crop(in_[0], y0_, x0_, c0_, out_, pool);
                break;
            case Op::bicubic:
                resize_4tap(in_[0], out_, xi_.data(), xw_.data(), yi_.data(), yw_.data(), pool);
                break;
            case Op::concat:
                for (size_t k = 0; k < in_.size(); ++k) {
                    paste(in_[k], out_, offsets_[k][1], offsets_[k][2], offsets_[k][0], pool);
                }
                break;
        }
        return {};
    }

    StepKind kind() const noexcept override { return StepKind::own; }

private:
    Result<void> resolve_crop() {
        const NhwcView& x = in_[0];
        const CropOffsets off =
            crop_offsets(*layer_->get<CropParams>(), Shape{x.channels, x.height, x.width});
        c0_ = off.c;
        y0_ = off.h;
        x0_ = off.w;
        if (c0_ + out_.channels > x.channels || y0_ + out_.height > x.height ||
            x0_ + out_.width > x.width) {
            return make_error(
                Errc::internal,
                fmt::format("{}: crop at ({}, {}, {}) of {}x{}x{} leaves the input", where_, c0_,
                            y0_, x0_, out_.channels, out_.height, out_.width));
        }
        return {};
    }

    Result<void> resolve_concat() {
        const int axis = layer_->get<ConcatParams>()->axis;
        if (axis < 0 || axis > 2) {
            return make_error(Errc::unsupported, fmt::format("{}: concat axis {}", where_, axis));
        }
        offsets_.assign(in_.size(), {0, 0, 0});
        int at = 0;
        for (size_t k = 0; k < in_.size(); ++k) {
            offsets_[k][static_cast<size_t>(axis)] = at;
            at += axis == 0 ? in_[k].channels : axis == 1 ? in_[k].height : in_[k].width;
        }
        return {};
    }

    std::string where_;
    Op op_;
    const Layer* layer_;
    std::vector<NhwcView> in_;
    NhwcView out_;
    int r_ = 1;
    int c0_ = 0;
    int y0_ = 0;
    int x0_ = 0;
    std::vector<std::array<int, 3>> offsets_;  // per input: (c, y, x) offset in the output
    std::vector<int> xi_;                      // bicubic tables, 4 taps per output column / row
    std::vector<float> xw_;
    std::vector<int> yi_;
    std::vector<float> yw_;
};

// XNNPACK operators that need the channel count, created at the first setup (and again only
// if the channel count changes): depth-to-space, bilinear resize, global average pooling.
class XnnDataStep final : public OperatorStep {
public:
    enum class Op { depth_to_space, bilinear, global_average };
    XnnDataStep(std::string where, Op type, const Layer& layer)
        : OperatorStep(std::move(where)), type_(type), layer_(&layer) {}

    Result<void> setup(const std::vector<NhwcView>& in, const std::vector<NhwcView>& out,
                       pthreadpool_t pool) override {
        const NhwcView& x = in[0];
        const NhwcView& y = out[0];
        const size_t c = static_cast<size_t>(y.channels);
        if (!op_ || c != channels_) {
            xnn_operator_t op = nullptr;
            xnn_status st = xnn_status_invalid_state;
            switch (type_) {
                case Op::depth_to_space: {
                    const uint32_t r =
                        static_cast<uint32_t>(layer_->get<PixelShuffleParams>()->upscale_factor);
                    st = xnn_create_depth_to_space_nhwc_x32(c, c * r * r, c, r, kXnnOperatorFlags,
                                                            &op);
                    break;
                }
                case Op::bilinear: {
                    const bool align = layer_->get<InterpParams>()->align_corner;
                    st = xnn_create_resize_bilinear2d_nhwc_f32(
                        c, c, c, kXnnOperatorFlags | (align ? XNN_FLAG_ALIGN_CORNERS : 0u), &op);
                    break;
                }
                case Op::global_average:
                    st = xnn_create_global_average_pooling_nwc_f32(c, c, c, -kInf, kInf,
                                                                   kXnnOperatorFlags, &op);
                    break;
            }
            KZ_TRY(xnn_check(st, where_ + ": create"));
            op_ = XnnOperator(op);
            channels_ = c;
        }
        xnn_status st = xnn_status_invalid_state;
        switch (type_) {
            case Op::depth_to_space:
                st = xnn_setup_depth_to_space_nhwc_x32(op_.get(), 1, x.height, x.width, x.data,
                                                       y.data, pool);
                break;
            case Op::bilinear:
                st = xnn_setup_resize_bilinear2d_nhwc_f32(op_.get(), 1, x.height, x.width, y.height,
                                                          y.width, x.data, y.data, pool);
                break;
            case Op::global_average:
                st = xnn_setup_global_average_pooling_nwc_f32(
                    op_.get(), 1, static_cast<size_t>(x.height) * x.width, x.data, y.data, pool);
                break;
        }
        return xnn_check(st, where_ + ": setup");
    }

private:
    Op type_;
    const Layer* layer_;
    size_t channels_ = 0;
};

std::unique_ptr<Step> own(const Layer& layer, OwnDataStep::Op op) {
    return std::make_unique<OwnDataStep>(layer_where(layer), op, &layer);
}
std::unique_ptr<Step> xnn(const Layer& layer, XnnDataStep::Op op) {
    return std::make_unique<XnnDataStep>(layer_where(layer), op, layer);
}

}  // namespace

std::unique_ptr<Step> make_noop_step() {
    return std::make_unique<NoopStep>();
}

std::unique_ptr<Step> make_copy_step() {
    return std::make_unique<OwnDataStep>("copy", OwnDataStep::Op::copy, nullptr);
}

StepResult make_pixel_shuffle_step(const StepArgs& args, std::string& why) {
    const PixelShuffleParams& p = *args.layer.get<PixelShuffleParams>();
    if (p.mode == 1 || args.hints.shuffle_pre_permuted) {
        return xnn(args.layer, XnnDataStep::Op::depth_to_space);
    }
    if (p.mode == 0) return own(args.layer, OwnDataStep::Op::shuffle);
    return decline(why, fmt::format("pixel shuffle mode {}", p.mode));
}

StepResult make_interp_step(const StepArgs& args, std::string& why) {
    const InterpParams& p = *args.layer.get<InterpParams>();
    if (p.mode == InterpMode::nearest) return own(args.layer, OwnDataStep::Op::nearest);
    if (p.mode == InterpMode::bilinear) return xnn(args.layer, XnnDataStep::Op::bilinear);
    if (p.mode == InterpMode::bicubic) return own(args.layer, OwnDataStep::Op::bicubic);
    return decline(why, "unknown resize mode");
}

StepResult make_crop_step(const StepArgs& args, std::string&) {
    return own(args.layer, OwnDataStep::Op::crop);
}

StepResult make_concat_step(const StepArgs& args, std::string&) {
    return own(args.layer, OwnDataStep::Op::concat);
}

StepResult make_pooling_step(const StepArgs& args, std::string& why) {
    const PoolingParams& p = *args.layer.get<PoolingParams>();
    if (p.global && p.type == PoolingType::average) {
        return xnn(args.layer, XnnDataStep::Op::global_average);
    }
    return decline(why, "pooling other than global average");
}

}  // namespace kizuna::nn::xnn
