#include "nn/vulkan/vk_pipelines.hpp"

#include <fmt/format.h>

#include <vector>

#include "gpu/buffer.hpp"
#include "gpu/shader_library.hpp"

// Convolution tiling. A workgroup is 16 x 16 invocations, each holding an MR x NR register block
// of the output (pixels x channels); TK rows of K are staged in shared memory per step.
// Measured on lavapipe (Mesa 22.3, LLVM, 2 shared cores; bench_nn's picture on
// realesr-animevideov3-x2, 3x3 convolutions of 64 -> 64 channels), see docs/benchmarks.md:
// MR = NR = 4 (64 pixels x 64 channels per workgroup, 16 FMAs per 8 shared loads) with TK = 16
// was the fastest of the blocks tried. 64 channels is also the width of every convolution in
// the animevideov3 and x4plus bodies, so a workgroup covers all of a layer's output channels and
// each staged input slice is read from memory once. A 4 x 4 block keeps 16 accumulators plus
// 8 operands in registers, which discrete GPUs also hold without spilling.

namespace kizuna::nn::vk {
namespace {

struct KernelDesc {
    const char* shader;
    uint32_t push_size;
    uint32_t local_x;
};

constexpr KernelDesc kDescs[kKernelCount] = {
    {"nn_conv", sizeof(ConvPush), 256},
    {"nn_deconv", sizeof(DeconvPush), kElementwiseLocal},
    {"nn_eltwise", sizeof(EltwisePush), kElementwiseLocal},
    {"nn_copy", sizeof(CopyPush), kElementwiseLocal},
    {"nn_pixel_shuffle", sizeof(PixelShufflePush), kElementwiseLocal},
    {"nn_interp", sizeof(InterpPush), kElementwiseLocal},
    {"nn_pooling", sizeof(PoolingPush), kElementwiseLocal},
    {"nn_inner_product", sizeof(InnerProductPush), kInnerProductLocal},
};

}  // namespace

Result<Pipelines> Pipelines::create(gpu::Context& context, const ConvTiling& tiling, Fault fault) {
    if (tiling.mr == 0 || tiling.nr == 0 || tiling.tk == 0 || tiling.mr > 8 || tiling.nr > 8)
        return make_error(Errc::invalid_argument,
                          fmt::format("vulkan backend: bad convolution tiling {}x{}x{}", tiling.mr,
                                      tiling.nr, tiling.tk));
    Pipelines out;
    out.tiling_ = tiling;
    for (size_t i = 0; i < kKernelCount; ++i) {
        const KernelDesc& d = kDescs[i];
        std::vector<uint32_t> spec;
        const Kernel k = static_cast<Kernel>(i);
        if (k == Kernel::conv) {
            const uint32_t f = fault == Fault::conv_drop_bias           ? 1
                               : fault == Fault::conv_transposed_kernel ? 2
                                                                        : 0;
            spec = {tiling.mr, tiling.nr, tiling.tk, f};
        } else if (k == Kernel::pixel_shuffle) {
            spec = {fault == Fault::shuffle_swapped ? 1u : 0u};
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
        auto pipe = gpu::ComputePipeline::create(context, p);
        KZ_TRY(pipe);
        out.pipelines_[i] = std::move(*pipe);
    }
    return out;
}

Result<void> Pipelines::bind(const gpu::Buffer& arena, const gpu::Buffer& weights) {
    const VkBuffer buffers[2] = {arena.get(), weights.get()};
    for (size_t i = 0; i < kKernelCount; ++i) {
        sets_[i] = gpu::DescriptorSet{};
        auto set = pipelines_[i].allocate_set(buffers);
        KZ_TRY(set);
        sets_[i] = std::move(*set);
    }
    return {};
}

}  // namespace kizuna::nn::vk
