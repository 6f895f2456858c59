// The per-layer cases that more than one backend's layer test runs (xnnpack_layers_test.cpp,
// vulkan_layers_test.cpp): each builds its small graphs with random weights from a fixed seed and
// hands them to the backend's check, so every backend is checked on the same graphs.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <span>
#include <string>

#include "xnn_test_util.hpp"

namespace kizuna::nn::test {

// A backend test's check of one graph: runs `g` on c x h x w inputs of every kernel-check fill
// (drawn from case_seed(seed)) through the backend under test and the reference backend, and
// compares them; `what` names the case in a failure.
using CheckGraph = std::function<void(const Graph& g, int c, int h, int w, const std::string& what,
                                      uint32_t seed)>;

// The name of one input of a case: `what`, the input's shape, its fill and the seed.
inline std::string input_label(const std::string& what, int c, int h, int w, Fill fill,
                               uint32_t seed) {
    return what + " input " + std::to_string(c) + "x" + std::to_string(h) + "x" +
           std::to_string(w) + " " + fill_name(fill) + seed_note(case_seed(seed));
}

// Square kernel, stride, dilation and padding on both axes.
inline ConvolutionParams conv_params(int ci, int co, int k, int stride, int dil, int pad,
                                     int group) {
    ConvolutionParams p;
    p.num_input = ci;
    p.num_output = co;
    p.kernel_h = p.kernel_w = k;
    p.stride_h = p.stride_w = stride;
    p.dilation_h = p.dilation_w = dil;
    p.pad_left = p.pad_right = p.pad_top = p.pad_bottom = pad;
    p.group = group;
    return p;
}

// The fused activations of the convolution cases.
namespace act {
inline constexpr ActivationParams none{};
inline constexpr ActivationParams leaky{ActivationType::leaky_relu, 0.1f, 0.f};
inline constexpr ActivationParams relu{ActivationType::relu, 0.f, 0.f};
inline constexpr ActivationParams clip{ActivationType::clip, -0.2f, 0.3f};
inline constexpr ActivationParams sigm{ActivationType::sigmoid, 0.f, 0.f};
inline constexpr ActivationParams mish{ActivationType::mish, 0.f, 0.f};
inline constexpr ActivationParams hswish{ActivationType::hard_swish, 1.f / 6, 0.5f};
}  // namespace act

// One convolution on a ci x h x w input.
struct ConvCase {
    int ci, co, k, stride, dil, pad, group, h, w;
    ActivationParams act;
    float pad_value = 0.f;
};

// Checks each case alone in a graph, with seeds from `seed` up, one a case: random weights drawn
// from the case's seed, and a bias where the seed is even.
inline void check_conv_cases(std::span<const ConvCase> cases, uint32_t seed,
                             const CheckGraph& check) {
    for (const ConvCase& c : cases) {
        std::mt19937 rng(case_seed(seed));
        ConvolutionParams p = conv_params(c.ci, c.co, c.k, c.stride, c.dil, c.pad, c.group);
        p.activation = c.act;
        p.pad_value = c.pad_value;
        GraphBuilder b;
        const int out = b.add(conv_layer(LayerType::convolution, p, rng, seed % 2 == 0), {0});
        check(b.finish(out), c.ci, c.h, c.w,
              "conv ci " + std::to_string(c.ci) + " co " + std::to_string(c.co) + " k " +
                  std::to_string(c.k) + " s " + std::to_string(c.stride) + " d " +
                  std::to_string(c.dil) + " pad " + std::to_string(c.pad) + " g " +
                  std::to_string(c.group) + " act " + std::to_string(static_cast<int>(c.act.type)),
              seed);
        ++seed;
    }
}

// 5 -> 7 channels, 3x3, pad_mode same_upper, at strides 1 and 2 (seeds 151, 152) on 17x13; the
// weights drawn from `rng`.
inline void check_same_upper_padding(std::mt19937& rng, const CheckGraph& check) {
    for (int stride : {1, 2}) {
        ConvolutionParams p = conv_params(5, 7, 3, stride, 1, 0, 1);
        p.pad_mode = PadMode::same_upper;
        GraphBuilder b;
        const int out = b.add(conv_layer(LayerType::convolution, p, rng), {0});
        check(b.finish(out), 5, 17, 13, "conv same_upper stride " + std::to_string(stride),
              150 + stride);
    }
}

// One deconvolution on a ci x h x w input; out_pad: output_pad_right and _bottom; out_w: the
// output's width and height (0: from the pads).
struct DeconvCase {
    int ci, co, k, stride, pad, h, w;
    ActivationParams act;
    int out_pad = 0, out_w = 0;
};

// The deconvolutions every backend is checked on, from seed 200 up.
inline constexpr DeconvCase kDeconvCases[] = {
    {64, 64, 2, 2, 0, 9, 7, {ActivationType::leaky_relu, 0.1f, 0.f}},
    {13, 3, 4, 2, 3, 11, 6, {}},  // Real-CUGAN's last layer shape
    {7, 5, 5, 3, 2, 5, 9, {}},
    {17, 9, 3, 1, 1, 8, 13, {ActivationType::relu, 0.f, 0.f}},
};

// Checks each case alone in a graph, with seeds from `seed` up: random weights and bias.
inline void check_deconv_cases(std::span<const DeconvCase> cases, uint32_t seed,
                               const CheckGraph& check) {
    for (const DeconvCase& c : cases) {
        std::mt19937 rng(case_seed(seed));
        ConvolutionParams p = conv_params(c.ci, c.co, c.k, c.stride, 1, c.pad, 1);
        p.activation = c.act;
        p.output_pad_right = p.output_pad_bottom = c.out_pad;
        p.output_w = p.output_h = c.out_w;
        GraphBuilder b;
        const int out = b.add(conv_layer(LayerType::deconvolution, p, rng), {0});
        check(b.finish(out), c.ci, c.h, c.w,
              "deconv ci " + std::to_string(c.ci) + " co " + std::to_string(c.co) + " k " +
                  std::to_string(c.k) + " s " + std::to_string(c.stride) + " pad " +
                  std::to_string(c.pad),
              seed);
        ++seed;
    }
}

// PReLU with 13 slopes (per channel) and 1 (shared) on 13x17x13 (seeds 313, 301).
inline void check_prelu(const CheckGraph& check) {
    for (int slopes : {13, 1}) {
        std::mt19937 rng(case_seed(300 + slopes));
        Layer l = layer_of(LayerType::prelu, PReluParams{slopes});
        l.weights = random_values(static_cast<size_t>(slopes), rng, -0.5f, 0.5f);
        GraphBuilder b;
        const int out = b.add(l, {0});
        check(b.finish(out), 13, 17, 13, "prelu slopes " + std::to_string(slopes), 300 + slopes);
    }
}

// Interp of every mode: by scale (up, down, fractional) and to a given size, with and without
// align_corner; each on 5x17x13, seeds 500 up.
inline void check_interp(const CheckGraph& check) {
    const InterpParams cases[] = {
        {InterpMode::nearest, 2.f, 2.f, 0, 0, false},
        {InterpMode::nearest, 4.f, 4.f, 0, 0, false},
        {InterpMode::nearest, 1.f, 1.f, 29, 10, false},
        {InterpMode::bilinear, 2.f, 2.f, 0, 0, false},
        {InterpMode::bilinear, 1.f, 1.f, 23, 31, true},
        {InterpMode::bicubic, 0.5f, 0.5f, 0, 0, false},
        {InterpMode::bicubic, 0.75f, 0.75f, 0, 0, false},
        {InterpMode::bicubic, 2.f, 2.f, 0, 0, false},
        {InterpMode::bicubic, 1.f, 1.f, 9, 26, true},
    };
    uint32_t seed = 500;
    for (const InterpParams& p : cases) {
        GraphBuilder b;
        const int out = b.add(layer_of(LayerType::interp, p), {0});
        check(b.finish(out), 5, 17, 13,
              "interp mode " + std::to_string(static_cast<int>(p.mode)) + " scale " +
                  std::to_string(p.height_scale) + " out " + std::to_string(p.output_h) + "x" +
                  std::to_string(p.output_w),
              seed++);
    }
}

// A binary op of `op` on the input (7 channels) and a second operand made from it: form 0, a
// 1x1 convolution of it (same shape); 1, that reduced by global average pooling (C x 1 x 1);
// 2, the scalar 0.75 (the convolution's output unused); 3, the convolution's first channel
// (1 x H x W: broadcast over channels). The weights drawn from `rng`.
inline Graph binary_op_graph(BinaryOpType op, int form, std::mt19937& rng) {
    GraphBuilder b;
    int other =
        b.add(conv_layer(LayerType::convolution, conv_params(7, 7, 1, 1, 1, 0, 1), rng), {0});
    if (form == 1) other = b.add(global_pooling(PoolingType::average), {other});
    if (form == 3) {
        CropParams cp;
        cp.outc = 1;
        other = b.add(layer_of(LayerType::crop, cp), {other});
    }
    BinaryOpParams bp;
    bp.op = op;
    bp.with_scalar = form == 2;
    bp.scalar = 0.75f;
    const Layer l = layer_of(LayerType::binary_op, bp);
    const int out = form == 2 ? b.add(l, {0}) : b.add(l, {0, other});
    Graph g = b.finish(out);
    if (form == 2) g.blobs[1].consumers.clear();
    return g;
}

// The input of a binary-op case: 7x17x13 random values shifted by +2 into [1, 3], so that
// divisions and powers stay well defined.
inline Tensor positive_input(std::mt19937& rng) {
    Tensor in = make_input(7, 17, 13, Fill::random, rng);
    for (size_t i = 0; i < in.size(); ++i) in.data()[i] += 2.f;
    return in;
}

inline std::string binary_op_label(BinaryOpType op, int form, uint32_t seed) {
    return "binary op " + std::to_string(static_cast<int>(op)) + " form " + std::to_string(form) +
           seed_note(case_seed(seed));
}

// Three branches of a 6x11x9 input (identity, a 3x3 conv, a 1x1 conv) joined by eltwise sum
// with coefficients, product and max, and by concat on each axis (seeds 700-705, one weight
// stream); then crops of a 5x17x13 input in the offsets form and in the starts/ends/axes form
// (Real-CUGAN style; seeds 710, 711).
inline void check_eltwise_concat_crop(const CheckGraph& check) {
    std::mt19937 rng(case_seed(700));
    for (int kind = 0; kind < 6; ++kind) {
        GraphBuilder b;
        const int s0 = b.add(layer_of(LayerType::split), {0}, 3);
        const int c1 = b.add(
            conv_layer(LayerType::convolution, conv_params(6, 6, 3, 1, 1, 1, 1), rng), {s0 + 1});
        const int c2 = b.add(
            conv_layer(LayerType::convolution, conv_params(6, 6, 1, 1, 1, 0, 1), rng), {s0 + 2});
        Layer l;
        std::string what;
        if (kind < 3) {
            EltwiseParams ep;
            ep.op = kind == 0 ? EltwiseOp::sum : kind == 1 ? EltwiseOp::prod : EltwiseOp::max;
            if (kind == 0) ep.coefficients = {0.2f, 1.f, -0.5f};
            l = layer_of(LayerType::eltwise, ep);
            what = "eltwise op " + std::to_string(kind);
        } else {
            l = layer_of(LayerType::concat, ConcatParams{kind - 3});
            what = "concat axis " + std::to_string(kind - 3);
        }
        const int out = b.add(l, {s0, c1, c2});
        check(b.finish(out), 6, 11, 9, what, 700 + kind);
    }
    for (int form = 0; form < 2; ++form) {
        CropParams cp;
        if (form == 0) {
            cp.woffset = 2;
            cp.hoffset = 3;
            cp.coffset = 1;
            cp.outw = 5;
            cp.outh = 4;
            cp.outc = 3;
        } else {
            cp.starts = {4, 4};
            cp.ends = {-4, -4};
            cp.axes = {1, 2};
        }
        GraphBuilder b;
        const int out = b.add(layer_of(LayerType::crop, cp), {0});
        check(b.finish(out), 5, 17, 13, "crop form " + std::to_string(form), 710 + form);
    }
}

// Real-CUGAN's squeeze-excitation block on 24x13x11 (seed 800): global average -> inner product
// + ReLU -> inner product + sigmoid -> per-channel multiply, then Scale with weights and bias;
// and an inner product on a 4x3x5 input (seed 801: the flattening must follow ncnn's C, H, W
// order). One weight stream.
inline void check_squeeze_excitation(const CheckGraph& check) {
    std::mt19937 rng(case_seed(800));
    auto ip = [&](int ni, int no, ActivationType act) {
        InnerProductParams p;
        p.num_input = ni;
        p.num_output = no;
        p.activation.type = act;
        Layer l = layer_of(LayerType::inner_product, p);
        l.weights = random_values(static_cast<size_t>(ni) * no, rng, -0.5f, 0.5f);
        l.bias = random_values(static_cast<size_t>(no), rng, -0.5f, 0.5f);
        return l;
    };
    GraphBuilder b;
    const int s0 = b.add(layer_of(LayerType::split), {0}, 2);
    const int gap = b.add(global_pooling(PoolingType::average), {s0});
    const int fc1 = b.add(ip(24, 5, ActivationType::relu), {gap});
    const int fc2 = b.add(ip(5, 24, ActivationType::sigmoid), {fc1});
    ScaleParams sp;
    sp.from_input = true;
    const int se = b.add(layer_of(LayerType::scale, sp), {s0 + 1, fc2});
    ScaleParams sw;
    sw.scale_data_size = 24;
    Layer scale2 = layer_of(LayerType::scale, sw);
    scale2.weights = random_values(24, rng, -1.f, 1.f);
    scale2.bias = random_values(24, rng, -1.f, 1.f);
    const int sc = b.add(scale2, {se});
    check(b.finish(sc), 24, 13, 11, "squeeze-excitation", 800);

    GraphBuilder b2;
    const int flat = b2.add(ip(4 * 3 * 5, 7, ActivationType::none), {0});
    check(b2.finish(flat), 4, 3, 5, "inner product on 4x3x5", 801);
}

}  // namespace kizuna::nn::test
