#include "nn/vulkan/vk_pipelines.hpp"

#include <fmt/format.h>

#include <vector>

#include "gpu/buffer.hpp"
#include "gpu/shader_library.hpp"

// Convolution tiling (shaders/nn_conv.comp). A workgroup of 256 invocations computes 256 output
// pixels (one per invocation) x 16 output channels, staging 16 rows of K at a time: the weights
// slice (16 x 16) and the 16 taps' input offsets in shared memory, one barrier per step.
// Measured on lavapipe (Mesa 22.3, llvmpipe 256-bit, 2 shared cores) with
// `KIZUNA_CHECK_BENCH=1 test_kernels_nn --gtest_filter='VkNnLayers.Bench*'` (64 -> 64 channels,
// 3x3, 64x64): the first design, a 16 x 16 grid of invocations each holding a 4 x 4 register
// block (64 pixels x 64 channels per workgroup) with both operands in shared memory, ran at
// 0.3-0.8 GFLOP/s for any register block of 2-8 x 2-8 and K step of 8 or 16 (the bench then
// covered those variants). llvmpipe runs invocations as SIMD lanes, so every operand whose
// address differs between lanes is a gather of scalar loads: 8 gathers fed 16 FMAs. Here the
// weights are read at workgroup-uniform addresses (one load broadcast to all lanes) and only
// the input sample is per-lane and contiguous: one gather feeds 16 FMAs. 16 accumulators fill
// the 16 vector registers of AVX2 without spilling; on a GPU they are 16 registers of a thread
// and the weights slice is a shared-memory broadcast.
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
    if (k == Kernel::conv || k == Kernel::conv_small) {
        const uint32_t f = fault_ == Fault::conv_drop_bias           ? 1
                           : fault_ == Fault::conv_transposed_kernel ? 2
                                                                     : 0;
        spec = {f};
    } else if (k == Kernel::pixel_shuffle) {
        spec = {fault_ == Fault::shuffle_swapped ? 1u : 0u};
    }
    gpu::ComputePipelineParams p;
    p.name = d.shader;
    p.spirv = gpu::shader_spirv(d.shader, gpu::StoragePrecision::f32);
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
