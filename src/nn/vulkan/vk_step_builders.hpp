// The Vulkan backend's recorder of each layer type, named by the layer registry's `vulkan` hook
// (nn/layers/registry.hpp): each appends one layer's dispatches (vk_steps.hpp) for the graph and
// input size in `c`. Declared apart from vk_steps.hpp so the layer entries need no Vulkan header.
#pragma once

#include <vector>

namespace kizuna::nn::vk {

struct Step;
struct StepContext;

void conv_steps(const StepContext& c, int layer, std::vector<Step>& out);
void deconv_steps(const StepContext& c, int layer, std::vector<Step>& out);
// PReLU, BinaryOp, Eltwise, Scale and Activation: one element-wise kernel.
void elementwise_steps(const StepContext& c, int layer, std::vector<Step>& out);
void concat_steps(const StepContext& c, int layer, std::vector<Step>& out);
void crop_steps(const StepContext& c, int layer, std::vector<Step>& out);
void pixel_shuffle_steps(const StepContext& c, int layer, std::vector<Step>& out);
void interp_steps(const StepContext& c, int layer, std::vector<Step>& out);
void pooling_steps(const StepContext& c, int layer, std::vector<Step>& out);
void inner_product_steps(const StepContext& c, int layer, std::vector<Step>& out);

}  // namespace kizuna::nn::vk
