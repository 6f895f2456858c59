#include "nn/xnnpack/xnnpack_memory.hpp"

#include <string>

#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn::xnn {

uint64_t held_bytes(const Graph& graph, const Plan& plan) {
    uint64_t bytes = 0;
    std::string why;
    for (const Layer& layer : graph.layers) {
        const ConvolutionParams* p = layer.get<ConvolutionParams>();
        if (p == nullptr || layer.outputs.empty()) continue;
        if (direct_conv_qualifies(layer, true, why)) continue;
        const Shape& out = plan.shapes[static_cast<size_t>(layer.outputs[0])];
        bytes += uint64_t{sizeof(void*)} * static_cast<uint64_t>(p->kernel_h) *
                 static_cast<uint64_t>(p->kernel_w) * static_cast<uint64_t>(out.h) *
                 static_cast<uint64_t>(out.w);
    }
    return bytes;
}

}  // namespace kizuna::nn::xnn
