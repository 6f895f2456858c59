// Every layer kind the XNNPACK backend maps, one small graph at a time, against the reference
// backend: odd sizes (17x13, 9x23...), channel counts that are not multiples of the vector
// width, strides, dilation, groups, fused activations, broadcasting; inputs random, all zeros
// and all ones. Tolerance: |xnnpack - reference| <= 1e-4 * max(1, max |reference|).
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "nn/backend.hpp"
#include "nn/xnnpack/xnnpack_backend.hpp"
#include "xnn_test_util.hpp"

namespace kizuna::nn::test {
namespace {

constexpr float kTol = 1e-4f;

// Runs `g` on a c x h x w input through both backends for each fill and compares; the XNNPACK
// backend runs twice, with ordinary convolutions on our direct kernel (where the CPU has
// AVX-512) and all on XNNPACK.
void check_graph(const Graph& g, int c, int h, int w, const std::string& what, uint32_t seed,
                 std::vector<std::string>* fallbacks = nullptr) {
    for (bool direct : {true, false}) {
        auto xb = XnnpackBackend::create(2, direct);
        ASSERT_TRUE(xb) << xb.error().message;
        auto ref = make_reference_backend(2);
        std::mt19937 rng(case_seed(seed));
        for (Fill fill : kAllFills) {
            const Tensor in = make_input(c, h, w, fill, rng);
            Tensor got;
            Tensor want;
            const std::string label = what + " input " + std::to_string(c) + "x" +
                                      std::to_string(h) + "x" + std::to_string(w) + " " +
                                      fill_name(fill) + seed_note(case_seed(seed));
            auto r1 = (*xb)->run(g, in.view(), got);
            ASSERT_TRUE(r1) << label << ": " << r1.error().message;
            auto r2 = ref->run(g, in.view(), want);
            ASSERT_TRUE(r2) << label << ": " << r2.error().message;
            EXPECT_TRUE(close_enough(got, want, kTol, label + (direct ? " (direct conv)" : "")));
        }
        if (fallbacks != nullptr && !direct) *fallbacks = (*xb)->fallback_layers();
    }
}

ConvolutionParams conv_params(int ci, int co, int k, int stride, int dil, int pad, int group) {
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

TEST(XnnpackLayers, Convolution) {
    struct Case {
        int ci, co, k, stride, dil, pad, group, h, w;
        ActivationParams act;
    };
    const ActivationParams none{};
    const ActivationParams leaky{ActivationType::leaky_relu, 0.1f, 0.f};
    const ActivationParams relu{ActivationType::relu, 0.f, 0.f};
    const ActivationParams clip{ActivationType::clip, -0.2f, 0.3f};
    const ActivationParams sigm{ActivationType::sigmoid, 0.f, 0.f};
    const Case cases[] = {
        {3, 64, 3, 1, 1, 1, 1, 17, 13, leaky},  {5, 13, 3, 1, 1, 1, 1, 17, 13, none},
        {17, 7, 3, 2, 1, 1, 1, 17, 13, relu},   {13, 19, 3, 1, 2, 2, 1, 9, 23, clip},
        {12, 18, 3, 1, 1, 0, 3, 11, 10, sigm},  {16, 16, 3, 1, 1, 1, 16, 17, 13, leaky},
        {64, 32, 2, 2, 1, 0, 1, 18, 14, leaky}, {24, 3, 1, 1, 1, 0, 1, 7, 31, none},
        {9, 11, 5, 1, 1, 2, 1, 13, 17, none},   {33, 48, 3, 1, 1, 1, 1, 67, 43, none},
    };
    uint32_t seed = 100;
    for (const Case& c : cases) {
        std::mt19937 rng(case_seed(seed));
        ConvolutionParams p = conv_params(c.ci, c.co, c.k, c.stride, c.dil, c.pad, c.group);
        p.activation = c.act;
        GraphBuilder b;
        const int out = b.add(conv_layer(LayerType::convolution, p, rng, seed % 2 == 0), {0});
        const Graph g = b.finish(out);
        check_graph(g, c.ci, c.h, c.w,
                    "conv ci " + std::to_string(c.ci) + " co " + std::to_string(c.co) + " k " +
                        std::to_string(c.k) + " s " + std::to_string(c.stride) + " d " +
                        std::to_string(c.dil) + " pad " + std::to_string(c.pad) + " g " +
                        std::to_string(c.group) + " act " +
                        std::to_string(static_cast<int>(c.act.type)),
                    seed);
        ++seed;
    }
}

TEST(XnnpackLayers, ConvolutionSamePaddingAndDeconvOutputPad) {
    std::mt19937 rng(case_seed(150));
    for (int stride : {1, 2}) {
        ConvolutionParams p = conv_params(5, 7, 3, stride, 1, 0, 1);
        p.pad_mode = PadMode::same_upper;
        GraphBuilder b;
        const int out = b.add(conv_layer(LayerType::convolution, p, rng), {0});
        check_graph(b.finish(out), 5, 17, 13, "conv same_upper stride " + std::to_string(stride),
                    150 + stride);
    }
    ConvolutionParams d = conv_params(6, 4, 3, 2, 1, 1, 1);
    d.output_pad_right = 1;
    d.output_pad_bottom = 1;
    GraphBuilder b;
    const int out = b.add(conv_layer(LayerType::deconvolution, d, rng), {0});
    check_graph(b.finish(out), 6, 9, 7, "deconv k3 s2 pad 1 output_pad 1", 153);
}

TEST(XnnpackLayers, Deconvolution) {
    struct Case {
        int ci, co, k, stride, pad, h, w;
        ActivationParams act;
    };
    const Case cases[] = {
        {64, 64, 2, 2, 0, 9, 7, {ActivationType::leaky_relu, 0.1f, 0.f}},
        {13, 3, 4, 2, 3, 11, 6, {}},  // Real-CUGAN's last layer shape
        {7, 5, 5, 3, 2, 5, 9, {}},
        {17, 9, 3, 1, 1, 8, 13, {ActivationType::relu, 0.f, 0.f}},
    };
    uint32_t seed = 200;
    for (const Case& c : cases) {
        std::mt19937 rng(case_seed(seed));
        ConvolutionParams p = conv_params(c.ci, c.co, c.k, c.stride, 1, c.pad, 1);
        p.activation = c.act;
        GraphBuilder b;
        const int out = b.add(conv_layer(LayerType::deconvolution, p, rng), {0});
        const Graph g = b.finish(out);
        check_graph(g, c.ci, c.h, c.w,
                    "deconv ci " + std::to_string(c.ci) + " co " + std::to_string(c.co) + " k " +
                        std::to_string(c.k) + " s " + std::to_string(c.stride) + " pad " +
                        std::to_string(c.pad),
                    seed);
        ++seed;
    }
}

TEST(XnnpackLayers, PReluPerChannelAndShared) {
    for (int slopes : {13, 1}) {
        std::mt19937 rng(case_seed(300 + slopes));
        Layer l = layer_of(LayerType::prelu, PReluParams{slopes});
        l.weights = random_values(static_cast<size_t>(slopes), rng, -0.5f, 0.5f);
        GraphBuilder b;
        const int out = b.add(l, {0});
        check_graph(b.finish(out), 13, 17, 13, "prelu slopes " + std::to_string(slopes),
                    300 + slopes);
    }
}

// Pixel shuffle both ways: directly on the input (our own kernel) and after a convolution
// (the convolution's output channels are permuted so XNNPACK depth-to-space gives ncnn order).
TEST(XnnpackLayers, PixelShuffle) {
    for (int r : {2, 3, 4}) {
        for (bool after_conv : {false, true}) {
            for (int mode : {0, 1}) {
                const uint32_t seed = 400 + r * 10 + (after_conv ? 1 : 0) + mode * 2;
                std::mt19937 rng(case_seed(seed));
                const int c_out = 3;
                GraphBuilder b;
                int blob = 0;
                int c_in = c_out * r * r;
                if (after_conv) {
                    ConvolutionParams p = conv_params(5, c_out * r * r, 3, 1, 1, 1, 1);
                    blob = b.add(conv_layer(LayerType::convolution, p, rng), {0});
                    c_in = 5;
                }
                const int out =
                    b.add(layer_of(LayerType::pixel_shuffle, PixelShuffleParams{r, mode}), {blob});
                check_graph(b.finish(out), c_in, 9, 7,
                            "pixel shuffle r " + std::to_string(r) + " mode " +
                                std::to_string(mode) + (after_conv ? " after conv" : " on input"),
                            seed);
            }
        }
    }
}

TEST(XnnpackLayers, Interp) {
    struct Case {
        InterpMode mode;
        float sy, sx;
        int oh, ow;
        bool align;
        bool expect_fallback;
    };
    const Case cases[] = {
        {InterpMode::nearest, 2.f, 2.f, 0, 0, false, false},
        {InterpMode::nearest, 4.f, 4.f, 0, 0, false, false},
        {InterpMode::nearest, 1.f, 1.f, 29, 10, false, false},
        {InterpMode::bilinear, 2.f, 2.f, 0, 0, false, false},
        {InterpMode::bilinear, 1.f, 1.f, 23, 31, true, false},
        {InterpMode::bicubic, 0.5f, 0.5f, 0, 0, false, false},
        {InterpMode::bicubic, 0.75f, 0.75f, 0, 0, false, false},
        {InterpMode::bicubic, 2.f, 2.f, 0, 0, false, false},
        {InterpMode::bicubic, 1.f, 1.f, 9, 26, true, false},
    };
    uint32_t seed = 500;
    for (const Case& c : cases) {
        InterpParams p;
        p.mode = c.mode;
        p.height_scale = c.sy;
        p.width_scale = c.sx;
        p.output_h = c.oh;
        p.output_w = c.ow;
        p.align_corner = c.align;
        GraphBuilder b;
        const int out = b.add(layer_of(LayerType::interp, p), {0});
        std::vector<std::string> fallbacks;
        const std::string what = "interp mode " + std::to_string(static_cast<int>(c.mode)) +
                                 " scale " + std::to_string(c.sy) + " out " + std::to_string(c.oh) +
                                 "x" + std::to_string(c.ow);
        check_graph(b.finish(out), 5, 17, 13, what, seed++, &fallbacks);
        EXPECT_EQ(fallbacks.size(), c.expect_fallback ? 1u : 0u) << what;
    }
}

TEST(XnnpackLayers, BinaryOpBroadcastAndScalar) {
    const BinaryOpType ops[] = {BinaryOpType::add,  BinaryOpType::sub, BinaryOpType::mul,
                                BinaryOpType::div,  BinaryOpType::max, BinaryOpType::min,
                                BinaryOpType::rsub, BinaryOpType::rdiv};
    uint32_t seed = 600;
    for (BinaryOpType op : ops) {
        for (int form = 0; form < 3; ++form) {  // same shape, per-channel vector, scalar
            std::mt19937 rng(case_seed(seed));
            GraphBuilder b;
            // Two different operands from one input: a 1x1 convolution makes b, and for the
            // vector form a global average pooling reduces it to C x 1 x 1.
            ConvolutionParams p = conv_params(7, 7, 1, 1, 1, 0, 1);
            int other = b.add(conv_layer(LayerType::convolution, p, rng), {0});
            if (form == 1) {
                other = b.add(global_pooling(PoolingType::average), {other});
            }
            BinaryOpParams bp;
            bp.op = op;
            bp.with_scalar = form == 2;
            bp.scalar = 0.75f;
            const Layer l = layer_of(LayerType::binary_op, bp);
            const int out = form == 2 ? b.add(l, {0}) : b.add(l, {0, other});
            Graph g = b.finish(out);
            if (form == 2) g.blobs[1].consumers.clear();  // the convolution output is unused
            // Keep divisions away from zero: inputs in [-1, 1] are shifted by the +2 below.
            auto xb = XnnpackBackend::create(2);
            ASSERT_TRUE(xb);
            auto ref = make_reference_backend(1);
            Tensor in = make_input(7, 17, 13, Fill::random, rng);
            for (size_t i = 0; i < in.size(); ++i) in.data()[i] += 2.f;
            Tensor got;
            Tensor want;
            const std::string what = "binary op " + std::to_string(static_cast<int>(op)) +
                                     " form " + std::to_string(form) + seed_note(case_seed(seed));
            auto r1 = (*xb)->run(g, in.view(), got);
            ASSERT_TRUE(r1) << what << ": " << r1.error().message;
            auto r2 = ref->run(g, in.view(), want);
            ASSERT_TRUE(r2) << what << ": " << r2.error().message;
            EXPECT_TRUE(close_enough(got, want, kTol, what));
            ++seed;
        }
    }
}

TEST(XnnpackLayers, EltwiseConcatCrop) {
    std::mt19937 rng(case_seed(700));
    // Three branches of the input: identity, a 3x3 conv, a 1x1 conv -> eltwise / concat.
    for (int kind = 0; kind < 6; ++kind) {
        GraphBuilder b;
        const int s0 = b.add(layer_of(LayerType::split), {0}, 3);
        const int s1 = s0 + 1;
        const int s2 = s0 + 2;
        const int c1 =
            b.add(conv_layer(LayerType::convolution, conv_params(6, 6, 3, 1, 1, 1, 1), rng), {s1});
        const int c2 =
            b.add(conv_layer(LayerType::convolution, conv_params(6, 6, 1, 1, 1, 0, 1), rng), {s2});
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
        check_graph(b.finish(out), 6, 11, 9, what, 700 + kind);
    }
    // Crops: offsets form and starts/ends/axes form (Real-CUGAN style).
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
        check_graph(b.finish(out), 5, 17, 13, "crop form " + std::to_string(form), 710 + form);
    }
}

TEST(XnnpackLayers, SqueezeExcitationPath) {
    // Real-CUGAN's SE block: global average -> inner product + ReLU -> inner product + sigmoid
    // -> per-channel multiply; plus Scale (weights and bias) and an inner product on a
    // C x H x W input (NHWC flattening must match ncnn's C, H, W order).
    std::mt19937 rng(case_seed(800));
    GraphBuilder b;
    const int s0 = b.add(layer_of(LayerType::split), {0}, 2);
    const int gap = b.add(global_pooling(PoolingType::average), {s0});
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
    check_graph(b.finish(sc), 24, 13, 11, "squeeze-excitation", 800);

    GraphBuilder b2;
    const int flat = b2.add(ip(4 * 3 * 5, 7, ActivationType::none), {0});
    check_graph(b2.finish(flat), 4, 3, 5, "inner product on 4x3x5", 801);
}

TEST(XnnpackLayers, FallbackIsListed) {
    // Global max pooling has no XNNPACK mapping here: it must run on the reference backend,
    // agree with it, and be reported by name.
    Layer l = global_pooling(PoolingType::max);
    l.name = "gmax";
    GraphBuilder b;
    const int out = b.add(l, {0});
    std::vector<std::string> fallbacks;
    check_graph(b.finish(out), 9, 17, 13, "global max pooling", 900, &fallbacks);
    ASSERT_EQ(fallbacks.size(), 1u);
    EXPECT_NE(fallbacks[0].find("gmax"), std::string::npos) << fallbacks[0];
}

}  // namespace
}  // namespace kizuna::nn::test
