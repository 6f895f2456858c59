// Registry entry of Split: its outputs are its input (the buffer plan gives them the input's
// memory), so no backend computes anything for it.
#include "nn/layers/registry.hpp"
#include "nn/ncnn/param_table.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn {
namespace {

constexpr NcnnLayout<std::monostate> kLayout{{1, 1, 1, kMaxLayerIo}, {}};
constexpr NcnnForm kForms[] = {ncnn_form("Split", kLayout)};

}  // namespace

extern const LayerDef kSplitLayer{
    .type = LayerType::split,
    .ncnn = kForms,
    .aliases_input = true,
    .xnnpack = xnn::make_noop_layer_step,
};

}  // namespace kizuna::nn
