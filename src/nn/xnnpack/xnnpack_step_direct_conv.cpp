// The convolution step on our own direct kernel (direct_conv.hpp), used by the XNNPACK backend
// for ordinary (group 1, zero-padded) convolutions when the CPU has AVX2 or AVX-512; it can
// absorb a PReLU layer that is the convolution's only reader, and read the inputs of a channel
// concat the backend elided as input segments.
#include <fmt/format.h>

#include "nn/direct/direct_conv.hpp"
#include "nn/graph/graph.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"
#include "nn/xnnpack/xnnpack_weights.hpp"

namespace kizuna::nn::xnn {
namespace {

class DirectConvStep final : public Step {
public:
    DirectConvStep(std::string where, ConvolutionParams p, direct::PackedConv conv, bool prelu)
        : where_(std::move(where)), p_(p), conv_(std::move(conv)), absorbed_prelu_(prelu) {}

    // `in` holds one view, or the inputs of a channel concat the backend elided (segments).
    Result<void> setup(const std::vector<NhwcView>& in, const std::vector<NhwcView>& out,
                       pthreadpool_t) override {
        if (in.empty() || in.size() > static_cast<size_t>(direct::PackedConv::max_segments())) {
            return make_error(Errc::internal,
                              fmt::format("{}: {} input segments", where_, in.size()));
        }
        segments_ = static_cast<int>(in.size());
        int channels = 0;
        for (size_t s = 0; s < in.size(); ++s) {
            seg_[s] = in[s];
            channels += in[s].channels;
            if (in[s].height != in[0].height || in[s].width != in[0].width ||
                in[s].pixel_stride != static_cast<size_t>(in[s].channels)) {
                return make_error(
                    Errc::internal,
                    fmt::format("{}: input segment {} is {}x{}x{} (stride {})", where_, s,
                                in[s].channels, in[s].height, in[s].width, in[s].pixel_stride));
            }
        }
        in_ = in[0];
        in_.channels = channels;
        in_.pixel_stride = static_cast<size_t>(channels);
        out_ = out[0];
        const Padding pad = resolve_padding(p_, in_.height, in_.width);
        pad_top_ = pad.top;
        pad_left_ = pad.left;
        const int eh = p_.dilation_h * (p_.kernel_h - 1) + 1;
        const int ew = p_.dilation_w * (p_.kernel_w - 1) + 1;
        const int oh = (in_.height + pad.top + pad.bottom - eh) / p_.stride_h + 1;
        const int ow = (in_.width + pad.left + pad.right - ew) / p_.stride_w + 1;
        if (in_.channels != p_.num_input || out_.channels != p_.num_output || out_.height != oh ||
            out_.width != ow || in_.pixel_stride != static_cast<size_t>(in_.channels) ||
            out_.pixel_stride != static_cast<size_t>(out_.channels)) {
            return make_error(
                Errc::internal,
                fmt::format("{}: direct convolution of {}x{}x{} gives {}x{}x{}, "
                            "the plan says {}x{}x{}",
                            where_, in_.channels, in_.height, in_.width, p_.num_output, oh, ow,
                            out_.channels, out_.height, out_.width));
        }
        return {};
    }

    Result<void> run(pthreadpool_t pool) override {
        conv_.run(seg_, segments_, out_, pad_top_, pad_left_, pool);
        return {};
    }

    StepKind kind() const noexcept override { return StepKind::own; }
    bool absorbed_prelu() const noexcept override { return absorbed_prelu_; }

private:
    std::string where_;
    ConvolutionParams p_;
    direct::PackedConv conv_;
    bool absorbed_prelu_ = false;
    NhwcView seg_[direct::PackedConv::max_segments()];
    int segments_ = 0;
    NhwcView in_;  // the whole input's shape (segments together)
    NhwcView out_;
    int pad_top_ = 0;
    int pad_left_ = 0;
};

}  // namespace

bool direct_conv_qualifies(const Layer& layer, bool allowed, std::string& why) {
    const ConvolutionParams* p = layer.get<ConvolutionParams>();
    if (layer.type != LayerType::convolution || p == nullptr) {
        why = "not a convolution";
        return false;
    }
    if (!allowed || !direct::available()) {
        why = "direct convolution off or no AVX2";
        return false;
    }
    if (p->group != 1 || p->pad_value != 0.f) {
        why = "grouped or non-zero padded convolution";
        return false;
    }
    const ActivationType t = p->activation.type;
    if (t != ActivationType::none && t != ActivationType::relu && t != ActivationType::leaky_relu &&
        t != ActivationType::clip) {
        why = "activation without a direct-convolution epilogue";
        return false;
    }
    return true;
}

Result<std::unique_ptr<Step>> make_direct_conv_step(const Layer& layer, const StepHints& hints,
                                                    std::string& why) {
    if (!direct_conv_qualifies(layer, hints.allow_direct_conv, why)) {
        return std::unique_ptr<Step>();
    }
    const ConvolutionParams& p = *layer.get<ConvolutionParams>();
    const ActivationType t = p.activation.type;
    std::vector<int> perm;
    if (hints.shuffle_permute_r > 0) {
        const int rr = hints.shuffle_permute_r * hints.shuffle_permute_r;
        perm = pixel_shuffle_permutation(p.num_output / rr, hints.shuffle_permute_r);
    }
    const bool prelu = hints.prelu_slopes != nullptr && t == ActivationType::none;
    direct::ConvGeometry g;
    g.num_input = p.num_input;
    g.num_output = p.num_output;
    g.kernel_h = p.kernel_h;
    g.kernel_w = p.kernel_w;
    g.stride_h = p.stride_h;
    g.stride_w = p.stride_w;
    g.dilation_h = p.dilation_h;
    g.dilation_w = p.dilation_w;
    auto packed = direct::PackedConv::pack(g, layer.weights, layer.bias, perm, p.activation,
                                           prelu ? hints.prelu_slopes : nullptr);
    if (!packed) return std::move(packed).error();
    return std::unique_ptr<Step>(
        std::make_unique<DirectConvStep>(layer_where(layer), p, std::move(*packed), prelu));
}

}  // namespace kizuna::nn::xnn
