// The model's parameters packed into one fp32 array for the Vulkan NN backend, uploaded once
// per graph into one device buffer (binding 1 of every NN shader), as fp32 or fp16.
#pragma once

#include <cstdint>
#include <vector>

#include "gpu/shader_library.hpp"
#include "kizuna/error.hpp"
#include "nn/graph/graph.hpp"

namespace kizuna::gpu {
class Context;
class Buffer;
class CommandBuffer;
}  // namespace kizuna::gpu

namespace kizuna::nn::vk {

// Where a layer's parameters start in PackedWeights::values (elements; -1 = the layer has none).
struct LayerWeights {
    int64_t weights = -1;  // convolution: [group][K][N rounded up to 16] (K = ic_per_group * kh
                           // * kw, N = oc_per_group, k = (ci * kh + ky) * kw + kx), the GEMM's
                           // B, zero-padded, starting at a multiple of 4; every other layer:
                           // Layer::weights as stored (layer.hpp)
    int64_t bias = -1;     // Layer::bias as stored
};

struct PackedWeights {
    std::vector<float> values;         // never empty (one value at least, for the buffer)
    std::vector<LayerWeights> layers;  // one per Graph::layers
};

// Packs every layer's weights and bias. Fails (unsupported) when the total exceeds 2^31 - 1
// values (offsets are 32-bit in the shaders).
Result<PackedWeights> pack_weights(const Graph& graph);

// A device buffer holding `values` in `precision` (f16: each rounded to the nearest fp16, ties
// to even; half the bytes), filled through a staging buffer on `cmd` (which is waited for).
// Element offsets are the same in both. Errors: out_of_memory, device_error.
Result<gpu::Buffer> upload_weights(gpu::Context& context, gpu::CommandBuffer& cmd,
                                   const std::vector<float>& values,
                                   gpu::StoragePrecision precision);

}  // namespace kizuna::nn::vk
