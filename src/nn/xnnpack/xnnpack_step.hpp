// One executable step of the XNNPACK backend: a graph layer bound to XNNPACK operators, to one
// of our own NHWC kernels, or to the reference backend (fallback). Steps are created once per
// graph (weights packed then) and set up once per input size (buffers bound then); run() then
// does no allocation.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kizuna/error.hpp"
#include "nn/graph/graph.hpp"
#include "nn/xnnpack/xnnpack_kernels.hpp"

namespace kizuna::nn::xnn {

// Who does a step's arithmetic.
enum class StepKind {
    xnnpack,    // XNNPACK operators
    own,        // our NHWC kernels (xnnpack_kernels.hpp) or a no-op
    reference,  // the reference backend on NCHW copies (fallback, slow)
};

class Step {
public:
    virtual ~Step() = default;

    // Binds the NHWC buffers of this layer's inputs and outputs for one input size (shapes as
    // in the graph's Plan). Views stay valid until the next setup(). May allocate.
    virtual Result<void> setup(const std::vector<NhwcView>& inputs,
                               const std::vector<NhwcView>& outputs, pthreadpool_t pool) = 0;
    // Computes the outputs from the inputs bound by the last setup(). Does not allocate.
    virtual Result<void> run(pthreadpool_t pool) = 0;

    virtual StepKind kind() const noexcept = 0;
    // True when this step also applied the PReLU layer that reads its output (StepHints::
    // prelu_slopes), so that layer must become a no-op sharing this step's output memory.
    virtual bool absorbed_prelu() const noexcept { return false; }
};

// Build-time decisions made across layers.
struct StepHints {
    // Convolution: reorder output channels so that XNNPACK's depth-to-space after it yields
    // ncnn pixel-shuffle order (xnnpack_weights.hpp, pixel_shuffle_permutation). 0 = none.
    int shuffle_permute_r = 0;
    // Pixel shuffle: the producing convolution already permuted its channels.
    bool shuffle_pre_permuted = false;
    // Convolution: may run on our direct kernel (direct_conv.hpp) when the CPU allows.
    bool allow_direct_conv = true;
    // Convolution: slopes of a PReLU layer that is its only reader, to apply in its epilogue
    // if it can (then absorbed_prelu() is true). nullptr = none.
    const std::vector<float>* prelu_slopes = nullptr;
};

// What a layer's step factory (LayerDef::xnnpack) receives.
struct StepArgs {
    const Graph& graph;
    const Layer& layer;
    const StepHints& hints;
};

using StepResult = Result<std::unique_ptr<Step>>;

// Creates the step for graph.layers[index] with the factory of its registry entry. Layers XNNPACK
// and our kernels cannot do become a reference-fallback step (kind() == reference) with `why`
// set; errors are only for invalid layers or allocation failure.
StepResult make_step(const Graph& graph, int index, const StepHints& hints, std::string& why);

// A factory's answer for a layer it cannot run: no step, with `why` set to `reason`.
StepResult decline(std::string& why, std::string reason);

// The factories of the registry entries (xnnpack_step_*.cpp). Each returns nullptr (and sets
// why) when it cannot handle the layer's parameters.
StepResult make_noop_layer_step(const StepArgs& args, std::string& why);  // input, split
StepResult make_conv_step(const StepArgs& args, std::string& why);
StepResult make_deconv_step(const StepArgs& args, std::string& why);
StepResult make_inner_product_step(const StepArgs& args, std::string& why);
StepResult make_prelu_step(const StepArgs& args, std::string& why);
StepResult make_activation_step(const StepArgs& args, std::string& why);
StepResult make_binary_op_step(const StepArgs& args, std::string& why);
StepResult make_eltwise_step(const StepArgs& args, std::string& why);
StepResult make_scale_step(const StepArgs& args, std::string& why);
StepResult make_pixel_shuffle_step(const StepArgs& args, std::string& why);
StepResult make_interp_step(const StepArgs& args, std::string& why);
StepResult make_crop_step(const StepArgs& args, std::string& why);
StepResult make_concat_step(const StepArgs& args, std::string& why);
StepResult make_pooling_step(const StepArgs& args, std::string& why);

// Whether `layer` is a convolution the direct kernel runs on this CPU (`allowed` = the
// backend's switch); `why` says why not. make_direct_conv_step succeeds exactly for these.
bool direct_conv_qualifies(const Layer& layer, bool allowed, std::string& why);
// The direct-kernel convolution (xnnpack_step_direct_conv.cpp); nullptr with `why` when the
// layer or CPU does not qualify. Its setup() takes one input view, or the input views of a
// channel concat the backend elided (1 to direct::PackedConv::max_segments()).
StepResult make_direct_conv_step(const Layer& layer, const StepHints& hints, std::string& why);

// The fallback: the layer's reference forward on NCHW copies of its inputs, on the run's pool.
// Errors: unsupported when the layer has no reference forward or more than one output.
StepResult make_reference_step(const Graph& graph, const Layer& layer);

// A step that does nothing (input, split: the plan aliases their buffers).
std::unique_ptr<Step> make_noop_step();
// A step that copies its input to its output (identity layers).
std::unique_ptr<Step> make_copy_step();

// "layer <type> '<name>' (line N)", for messages.
std::string layer_where(const Layer& layer);

}  // namespace kizuna::nn::xnn
