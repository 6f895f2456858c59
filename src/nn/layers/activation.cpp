// Registry entry of the stand-alone activations (ActivationParams): ncnn ReLU, Sigmoid, Clip,
// Mish and HardSwish, each a type name with its own keys.
#include "nn/layers/registry.hpp"
#include "nn/ncnn/param_table.hpp"
#include "nn/ref/ref_kernels.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn {
namespace {

using P = ActivationParams;
using F = Fields<P>;

constexpr ParamField<P> kReluFields[] = {F::real<&P::alpha>(0, "slope")};
constexpr ParamField<P> kClipFields[] = {F::real<&P::alpha>(0, "min", -3.402823466e+38f),
                                         F::real<&P::beta>(1, "max", 3.402823466e+38f)};
constexpr ParamField<P> kHardSwishFields[] = {F::real<&P::alpha>(0, "alpha", 0.2f),
                                              F::real<&P::beta>(1, "beta", 0.5f)};

constexpr NcnnLayout<P> kRelu{{}, kReluFields, [](P& p) { p.type = ActivationType::relu; }};
constexpr NcnnLayout<P> kSigmoid{{}, {}, [](P& p) { p.type = ActivationType::sigmoid; }};
constexpr NcnnLayout<P> kClip{{}, kClipFields, [](P& p) { p.type = ActivationType::clip; }};
constexpr NcnnLayout<P> kMish{{}, {}, [](P& p) { p.type = ActivationType::mish; }};
constexpr NcnnLayout<P> kHardSwish{
    {}, kHardSwishFields, [](P& p) { p.type = ActivationType::hard_swish; }};

constexpr NcnnForm kForms[] = {
    ncnn_form("ReLU", kRelu), ncnn_form("Sigmoid", kSigmoid),     ncnn_form("Clip", kClip),
    ncnn_form("Mish", kMish), ncnn_form("HardSwish", kHardSwish),
};

}  // namespace

extern const LayerDef kActivationLayer =
    elementwise_layer(LayerType::activation, kForms, nullptr, ref::forward<ref::activation>,
                      xnn::make_activation_step);

}  // namespace kizuna::nn
