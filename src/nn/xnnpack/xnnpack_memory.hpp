// Memory the XNNPACK backend holds beyond the activations of the plan, for the estimates of the
// tiler and of whole-picture runs.
#pragma once

#include <cstdint>

#include "nn/graph/graph.hpp"

namespace kizuna::nn::xnn {

// Each XNNPACK convolution (and deconvolution) keeps an indirection buffer, one pointer per
// kernel tap per output pixel, for as long as it is set up; convolutions our direct kernel runs
// (direct_conv_qualifies on this CPU) have none. Measured: realesr-animevideov3-x2 at 960x540 on
// an AVX2 machine peaks at 1.0 GB where its plan's activations are 0.35 GB; its 18 3x3
// convolutions' buffers (0.67 GB) are the difference. `plan` is a plan of `graph`.
uint64_t held_bytes(const Graph& graph, const Plan& plan);

}  // namespace kizuna::nn::xnn
