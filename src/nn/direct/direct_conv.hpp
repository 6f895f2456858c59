// Our own direct convolution for NHWC float tensors on AVX-512 or AVX2 + FMA: the kernel behind
// the XNNPACK backend's ordinary (group 1) convolutions, which make up nearly all the arithmetic
// of the shipped super-resolution models. XNNPACK's 2022 snapshot reaches about half of an
// AVX-512 CPU's FMA peak on them and a third of an AVX2 CPU's; these kernels keep a block of
// output pixels x output channels in registers (AVX-512: e.g. 6 pixels x 4 vectors of 16
// channels; AVX2: 5 pixels x 2 vectors of 8), stream the packed weights once per block, and
// apply bias and the activation (ReLU, leaky ReLU, PReLU, clip) on the way out, so a following
// PReLU layer costs no extra pass. The kernel is picked per run by the CPU level in force.
//
// Definition (the same as the reference backend's convolution, ref_conv.cpp):
//   out(y, x, o) = act(bias[o] + sum_{ky,kx,i} w[o][i][ky][kx] *
//                  in(y*stride_h - pad_top + ky*dilation_h, x*stride_w - pad_left + kx*dilation_w,
//                  i))
// with samples outside the input reading 0. Only the summation order differs from the reference
// (per output, taps in (ky, kx, i) order, one FMA chain), so results agree within float rounding;
// every output is computed by one thread the same way, so they are bit-identical across thread
// counts.
#pragma once

#include <pthreadpool.h>

#include <cstddef>
#include <memory>
#include <vector>

#include "kizuna/error.hpp"
#include "nn/graph/layer.hpp"
#include "nn/xnnpack/xnnpack_kernels.hpp"

namespace kizuna::nn::direct {

// Output channels of one task and one packed weight group (4 AVX-512 vectors, 8 AVX2 ones).
constexpr int kGroupChannels = 64;

// How the epilogue maps the biased sum s of channel o.
enum class Epilogue {
    none,   // s
    slope,  // s > 0 ? s : slope[o] * s   (ReLU, leaky ReLU, PReLU)
    clip,   // min(max(s, lo), hi)
};

// Geometry of one convolution (group 1).
struct ConvGeometry {
    int num_input = 0;
    int num_output = 0;
    int kernel_h = 0;
    int kernel_w = 0;
    int stride_h = 1;
    int stride_w = 1;
    int dilation_h = 1;
    int dilation_w = 1;
};

// True when the kernel may run: the CPU level in force (kizuna::cpu_level(), capped by
// KIZUNA_CPU_MAX / set_cpu_max) is avx2 or above. Checked when a graph is prepared.
bool available() noexcept;

// Weights packed for the kernel, with bias and epilogue constants padded to whole vectors.
class PackedConv {
public:
    // w: ncnn order [num_output][num_input][kh][kw]; bias: empty or num_output values.
    // out_perm (empty = identity): packed output channel k computes ncnn channel out_perm[k].
    // act: the layer's fused activation; prelu_slopes (optional, 1 or num_output values) is a
    // PReLU applied after it (only valid when act is none). Fails with unsupported for
    // activations the epilogue lacks (sigmoid, mish, hard-swish) and invalid_argument for sizes
    // that disagree.
    static Result<PackedConv> pack(const ConvGeometry& g, const std::vector<float>& w,
                                   const std::vector<float>& bias, const std::vector<int>& out_perm,
                                   const ActivationParams& act,
                                   const std::vector<float>* prelu_slopes);

    const ConvGeometry& geometry() const noexcept { return g_; }

    // Computes the whole output. in: the input as 1 to max_segments() NHWC segments of
    // consecutive channels (a channel concat of them; one view for an ordinary input), all of the
    // same height and width, channels adding up to num_input; out: NHWC. Every view has
    // pixel_stride == channels; out's size must be the convolution of the input size with
    // (pad_top, pad_left) and the geometry; out must not overlap the input. Runs on `pool`
    // (nullptr = this thread), rows x channel groups as tasks.
    void run(const xnn::NhwcView* in, int segments, const xnn::NhwcView& out, int pad_top,
             int pad_left, pthreadpool_t pool) const;

    // Most input segments run() takes.
    static constexpr int max_segments() noexcept { return 8; }

private:
    ConvGeometry g_;
    Epilogue epilogue_ = Epilogue::none;
    float lo_ = 0.f;
    float hi_ = 0.f;
    struct Free {
        void operator()(float* p) const noexcept;
    };
    using Floats = std::unique_ptr<float, Free>;
    // One 64-byte aligned block: per group [ky][kx][i][lanes] weights, then bias, slopes
    // (groups * 64 each) and num_input zeros (read for taps outside the input).
    Floats store_;
    const float* weights_ = nullptr;
    const float* bias_ = nullptr;
    const float* slope_ = nullptr;
    const float* zeros_ = nullptr;
};

}  // namespace kizuna::nn::direct
