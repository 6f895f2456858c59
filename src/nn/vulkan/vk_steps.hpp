// What the Vulkan NN backend records for each layer: the dispatches (kernel, push constants,
// workgroup counts) computed once per graph and input size from the buffer plan, then replayed
// into every tile's command buffer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kizuna/error.hpp"
#include "nn/graph/graph.hpp"
#include "nn/vulkan/vk_pipelines.hpp"
#include "nn/vulkan/vk_weights.hpp"

namespace kizuna::nn::vk {

struct Step {
    Kernel kernel = Kernel::copy;
    std::array<std::byte, 128> push{};
    uint32_t push_size = 0;
    std::array<uint32_t, 3> groups{1, 1, 1};
    bool barrier_after = true;  // false: the next step of the same layer writes elsewhere and
                                // reads nothing this one writes
};

// What a layer's recorder (vk_step_builders.hpp) reads: the graph, the buffer plan (offsets in
// floats), the packed weights and the fused PReLUs.
struct StepContext {
    const Graph& graph;
    const Plan& plan;
    const PackedWeights& weights;
    const std::vector<int>& fused;

    int32_t off(int blob) const {
        return static_cast<int32_t>(plan.offsets[static_cast<size_t>(blob)] / sizeof(float));
    }
    const Shape& shape(int blob) const { return plan.shapes[static_cast<size_t>(blob)]; }
    int32_t w(int layer) const {
        return static_cast<int32_t>(weights.layers[static_cast<size_t>(layer)].weights);
    }
    int32_t b(int layer) const {
        return static_cast<int32_t>(weights.layers[static_cast<size_t>(layer)].bias);
    }
};

// Per layer, the convolutions that apply the PReLU after them (the PReLU's output shares their
// output's memory in the plan, Placement::in_place): fused[conv] = the PReLU's layer index, or
// -1. The PReLU itself then records nothing.
std::vector<int> fused_prelus(const Graph& graph, const Plan& plan);

// The placements the backend asks make_plan for: in_place for a PReLU whose input is a
// convolution's output read by nothing else.
std::vector<Placement> preferred_placement(const Graph& graph);

// steps[i]: the dispatches of layer i in order, from its registry entry's `vulkan` recorder
// (empty for Input, Split and fused PReLUs). Fails (unsupported) for a layer type without a
// recorder or a parameter the shaders lack, naming the layer.
Result<std::vector<std::vector<Step>>> build_steps(const Graph& graph, const Plan& plan,
                                                   const PackedWeights& weights,
                                                   const std::vector<int>& fused);

}  // namespace kizuna::nn::vk
