#include "nn/vulkan/vk_pipelines.hpp"

#include <fmt/format.h>

#include <vector>

#include "gpu/buffer.hpp"
#include "gpu/shader_library.hpp"

// Convolution blocking (shaders/nn_conv_body.glsl). A workgroup of 256 invocations computes
// 2048 output pixels (8 per invocation, 256 apart so that the lanes of one load touch
// consecutive pixels) x 64 output channels; outputs under 4096 pixels use a variant with one
// pixel x 16 channels per invocation (256 x 16), so that small tiles do not run mostly idle
// workgroups.
//
// Measured on lavapipe (Mesa 22.3, llvmpipe 256-bit AVX2, 2 cores shared with other builds: load
// average 3-6, so the figures are noisy) with
//   KIZUNA_CHECK_BENCH=1 test_kernels_nn --gtest_filter='VkNnLayers.ModelSized*'
// (64 -> 64 channels, 3x3, 64x64 input, 0.30 GFLOP):
//   - a classic shared-memory GEMM: 16 x 16 invocations, each a 4 x 4 register block (64 pixels
//     x 64 channels per workgroup), both operands staged in shared memory by K steps of 8 or 16:
//     0.2-0.4 GFLOP/s for register blocks 2x2 to 4x4, 0.8 GFLOP/s for 8x4;
//   - one pixel x 16 channels per invocation, weights staged in shared memory: 0.09 GFLOP/s;
//     the same reading the weights straight from the buffer, no shared memory: 0.16 GFLOP/s;
//   - that with the weights packed as vec4s and 4 pixels per invocation: 0.55 GFLOP/s; 8 pixels:
//     0.73; the row test hoisted out of the kx loop: 0.88; 8 pixels x 32 channels: 1.30;
//     8 x 64: 1.32-1.54 GFLOP/s (this kernel).
// llvmpipe runs invocations as SIMD lanes and turns a load whose address may differ between
// lanes into a gather of scalar loads, shared memory included, so what counts is loads per FMA:
// here 8 input gathers and 16 vec4 weight loads feed 8 x 64 FMAs per tap. Staging in shared
// memory only added loads and barriers there. The shared-memory kernel is the one to measure
// again on a discrete GPU (none was available to this work), where the weight loads are uniform
// broadcasts and the reuse of each input sample by the 9 taps would come from shared memory;
// 8 x 64 accumulators are also more registers than a GPU thread should hold at full occupancy.
// The accumulators stay in registers only because every loop that indexes them is unrolled with
// constant indices: a dynamically indexed local array is spilled to per-lane memory and runs an
// order of magnitude slower. The epilogue is piecewise linear only (vk_steps.cpp) so that the
// unrolled code stays small enough to compile quickly.
//
// Precision (VulkanBackendOptions::precision; the f16 variant of every NN shader). Measured on
// the same lavapipe with `bench_nn --backend vulkan --models realesr-animevideov3-x2 --runs 3
// --precision fp32|fp16`, runs interleaved, load average 5-9 (other builds): CPU-ms per tile,
// the figure the load disturbs least, tile 64: fp32 3214, 3206, fp16 3032, 3018; tile 128:
// fp32 13728, 12857, fp16 11615, 12395 (wall medians 4.0-5.6 s and 19.6-26.3 s, within noise of
// each other). fp16 storage runs 6-10% less CPU and halves weights, activations and transfers;
// it is what `auto` takes where the device has 16-bit storage buffers.
//   - fp16 arithmetic as well (shaderFloat16: the products a * b in fp16, summed in fp32) was
//     measured at tile 64 with shaderFloat16 enabled on the device for the test: 3179 and 3173
//     CPU-ms per tile, against 3288 and 3035 for fp16 storage alone in the same window. No gain:
//     llvmpipe has no fp16 ALU on x86 (it widens each operation to fp32 and narrows the result),
//     and each product would lose bits for nothing. The arithmetic stays fp32, so fp16 needs
//     only storageBuffer16BitAccess. A GPU with packed fp16 math is where to measure it again.
//   - Winograd F(2x2, 3x3) was not written. It cuts the multiplies of a 3x3 convolution 2.25x,
//     but on llvmpipe the loads, not the FMAs, bound this kernel (see above): per input channel,
//     a register block of 2 tiles x 16 channels (the accumulators of 16 transform positions
//     already fill what 8 x 64 holds here) does the work of 1152 direct FMAs for 64 vec4 weight
//     loads and 32 input gathers, against 4608 for 144 vec4 loads and 72 gathers in this
//     kernel: fewer FMAs per load, on top of the transforms. To measure on a GPU, where the
//     FMAs are the bound.
//   - Cooperative matrices (VK_KHR_cooperative_matrix) are not used: lavapipe lacks the
//     extension, and no device here could test such a kernel.

namespace kizuna::nn::vk {
namespace {

struct KernelDesc {
    const char* shader;
    uint32_t push_size;
    uint32_t local_x;
};

constexpr KernelDesc kDescs[kKernelCount] = {
    {"nn_conv", sizeof(ConvPush), 256},
    {"nn_conv_px1", sizeof(ConvPush), 256},
    {"nn_conv_n32", sizeof(ConvPush), 256},
    {"nn_deconv", sizeof(DeconvPush), kElementwiseLocal},
    {"nn_eltwise", sizeof(EltwisePush), kElementwiseLocal},
    {"nn_copy", sizeof(CopyPush), kElementwiseLocal},
    {"nn_pixel_shuffle", sizeof(PixelShufflePush), kElementwiseLocal},
    {"nn_interp", sizeof(InterpPush), kElementwiseLocal},
    {"nn_pooling", sizeof(PoolingPush), kElementwiseLocal},
    {"nn_inner_product", sizeof(InnerProductPush), kInnerProductLocal},
};

}  // namespace

Result<void> Pipelines::require(Kernel k) {
    const size_t i = static_cast<size_t>(k);
    if (pipelines_[i]) return {};
    const KernelDesc& d = kDescs[i];
    std::vector<uint32_t> spec;
    if (k == Kernel::conv || k == Kernel::conv_small || k == Kernel::conv_n32) {
        const uint32_t f = fault_ == Fault::conv_drop_bias           ? 1
                           : fault_ == Fault::conv_transposed_kernel ? 2
                                                                     : 0;
        spec = {f};
    } else if (k == Kernel::pixel_shuffle) {
        spec = {fault_ == Fault::shuffle_swapped ? 1u : 0u};
    }
    gpu::ComputePipelineParams p;
    p.name = d.shader;
    p.spirv = gpu::shader_spirv(d.shader, precision_);
    p.buffer_count = 2;
    p.push_constant_size = d.push_size;
    p.specialization = spec;
    p.local_x = d.local_x;
    p.local_y = 1;
    p.max_sets = 2;
    auto pipe = gpu::ComputePipeline::create(*context_, p);
    KZ_TRY(pipe);
    pipelines_[i] = std::move(*pipe);
    return bound() ? allocate_set(i) : Result<void>{};
}

Result<void> Pipelines::allocate_set(size_t i) {
    const VkBuffer buffers[2] = {arena_, weights_};
    sets_[i] = gpu::DescriptorSet{};
    auto set = pipelines_[i].allocate_set(buffers);
    KZ_TRY(set);
    sets_[i] = std::move(*set);
    return {};
}

Result<void> Pipelines::bind(const gpu::Buffer& arena, const gpu::Buffer& weights) {
    arena_ = arena.get();
    weights_ = weights.get();
    for (size_t i = 0; i < kKernelCount; ++i)
        if (pipelines_[i]) KZ_TRY(allocate_set(i));
    return {};
}

}  // namespace kizuna::nn::vk
