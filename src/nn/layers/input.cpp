// Registry entry of Input: the network input (InputParams). Its output is the input given to
// infer_shapes(); the backends copy the caller's tensor into it.
#include "nn/layers/registry.hpp"
#include "nn/ncnn/param_table.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn {
namespace {

using P = InputParams;
using F = Fields<P>;

constexpr ParamField<P> kFields[] = {
    F::integer<&P::width>(0, "w"),
    F::integer<&P::height>(1, "h"),
    F::integer<&P::channels>(2, "c"),
    F::ignored(11, "d"),
};
constexpr NcnnLayout<P> kLayout{{0, 0, 1, 1}, kFields};
constexpr NcnnForm kForms[] = {ncnn_form("Input", kLayout)};

}  // namespace

extern const LayerDef kInputLayer{
    .type = LayerType::input,
    .ncnn = kForms,
    .shape = [](const ShapeArgs& a) -> Result<Shape> { return a.network_input; },
    .xnnpack = xnn::make_noop_layer_step,
};

}  // namespace kizuna::nn
