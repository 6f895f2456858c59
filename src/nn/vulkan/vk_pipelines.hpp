// The compute pipelines of the Vulkan NN backend (shaders/nn_*.comp) and their push-constant
// blocks. Every NN shader binds the activation arena at binding 0 and the packed weights at
// binding 1 (shaders/nn_common.glsl); offsets are elements, of fp32 or fp16 as the pipelines'
// storage precision says (the same element offsets in both).
#pragma once

#include <array>
#include <cstdint>

#include "gpu/compute_pipeline.hpp"
#include "gpu/shader_library.hpp"
#include "kizuna/error.hpp"

namespace kizuna::gpu {
class Context;
class Buffer;
}  // namespace kizuna::gpu

namespace kizuna::nn::vk {

enum class Kernel : uint8_t {
    conv,        // 2048 pixels x 16 channels per workgroup
    conv_small,  // 256 pixels x 16 channels per workgroup (small outputs)
    conv_n32,    // 2048 pixels x 32 channels per workgroup (large outputs of <= 32 channels)
    deconv,
    eltwise,
    copy,
    pixel_shuffle,
    interp,
    pooling,
    inner_product,
};
inline constexpr size_t kKernelCount = static_cast<size_t>(Kernel::inner_product) + 1;

// Faults injected into the shaders through specialization constants, for the tests that show
// the per-layer and per-model checks catch them. none in every real use.
enum class Fault : uint8_t {
    none,
    conv_drop_bias,          // the convolution leaves out its bias
    conv_transposed_kernel,  // the convolution reads its kernel with ky and kx swapped
    shuffle_swapped,         // pixel shuffle (mode 0) swaps the sub-pixel row and column
};

// The convolution's GEMM blocks, output pixels x output channels per workgroup: conv
// (shaders/nn_conv.comp) kConvTileM x kConvTileN; conv_n32 (nn_conv_n32.comp) kConvTileM x
// kConvN32TileN, for up to 32 channels; conv_small (nn_conv_px1.comp) kConvSmallTileM x
// kConvSmallTileN, for outputs under kConvBigMinPixels pixels. The packed weights' rows are
// padded to 64 channels for all three. See vk_pipelines.cpp for the measured choice.
inline constexpr uint32_t kConvTileM = 2048;
inline constexpr uint32_t kConvSmallTileM = 256;
inline constexpr uint32_t kConvTileN = 64;
inline constexpr uint32_t kConvSmallTileN = 16;
inline constexpr uint32_t kConvN32TileN = 32;
inline constexpr size_t kConvBigMinPixels = 4096;

// Push constants, field for field as the shaders declare them (4-byte fields only).
struct ConvPush {
    int32_t in_off, out_off, w_off, bias_off, slope_off, slope_count, act;
    float alpha, beta, pad_value;
    int32_t ic_per_group, oc_per_group, ih, iw, oh, ow, kh, kw, sy, sx, dy, dx, pad_top, pad_left,
        k;
};
struct DeconvPush {
    int32_t in_off, out_off, w_off, bias_off, act;
    float alpha, beta;
    int32_t ic_per_group, oc_per_group, ih, iw, oh, ow, kh, kw, sy, sx, dy, dx, crop_top, crop_left;
};
struct EltwisePush {
    int32_t out_off, a_off, a_sc, a_sy, a_sx, b_off, b_sc, b_sy, b_sx, b_src, bias_off, op;
    float ca, cb, scalar;
    int32_t act;
    float alpha, beta;
    int32_t h, w;
};
struct CopyPush {
    int32_t src_off, src_h, src_w, sc, sy, sx, dst_off, dst_h, dst_w, dc, dy, dx, h, w;
};
struct PixelShufflePush {
    int32_t in_off, out_off, r, mode, oc, oh, ow;
};
struct InterpPush {
    int32_t in_off, out_off, mode, align_corner, ih, iw, oh, ow;
    float step_y, step_x;
};
struct PoolingPush {
    int32_t in_off, out_off, is_max, global_pool, ih, iw, oh, ow, kh, kw, sy, sx, pad_top, pad_left,
        pad_bottom, pad_right, count_include_pad;
};
struct InnerProductPush {
    int32_t in_off, out_off, w_off, bias_off, num_input, num_output, act;
    float alpha, beta;
};

// Eltwise op numbers beyond BinaryOpType's 0..11 (shaders/nn_eltwise.comp).
inline constexpr int32_t kOpPrelu = 12;
inline constexpr int32_t kOpCopy = 13;

// Local sizes (x; y is 1).
inline constexpr uint32_t kElementwiseLocal = 256;
inline constexpr uint32_t kInnerProductLocal = 64;

// One pipeline per kernel, compiled on first use (a model needs a few of them, and compiling is
// the slow part of starting on a software device), and a descriptor set binding (arena,
// weights). `precision`: the shader variant (f16: arena and weights hold fp16, which needs
// storageBuffer16BitAccess enabled on the context). Move-only; must not outlive its Context.
class Pipelines {
public:
    Pipelines(gpu::Context& context, Fault fault,
              gpu::StoragePrecision precision = gpu::StoragePrecision::f32)
        : context_(&context), fault_(fault), precision_(precision) {}
    Pipelines() = default;

    // Compiles kernel k's pipeline unless done; when buffers are bound, gives it its set.
    Result<void> require(Kernel k);
    // (Re)binds the arena and weight buffers to the set of every compiled kernel. The buffers
    // must outlive the sets (until the next bind or destruction) and work recorded with them.
    Result<void> bind(const gpu::Buffer& arena, const gpu::Buffer& weights);
    bool bound() const { return arena_ != VK_NULL_HANDLE; }

    const gpu::ComputePipeline& pipeline(Kernel k) const {
        return pipelines_[static_cast<size_t>(k)];
    }
    const gpu::DescriptorSet& set(Kernel k) const { return sets_[static_cast<size_t>(k)]; }

private:
    Result<void> allocate_set(size_t i);

    gpu::Context* context_ = nullptr;
    Fault fault_ = Fault::none;
    gpu::StoragePrecision precision_ = gpu::StoragePrecision::f32;
    VkBuffer arena_ = VK_NULL_HANDLE;  // bound buffers, or null
    VkBuffer weights_ = VK_NULL_HANDLE;
    std::array<gpu::ComputePipeline, kKernelCount> pipelines_;
    std::array<gpu::DescriptorSet, kKernelCount> sets_;  // destroyed before the pipelines
};

}  // namespace kizuna::nn::vk
