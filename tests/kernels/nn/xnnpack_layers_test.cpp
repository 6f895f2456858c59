// Every layer kind the XNNPACK backend maps, one small graph at a time, against the reference
// backend: odd sizes (17x13, 9x23...), channel counts that are not multiples of the vector
// width, strides, dilation, groups, fused activations, broadcasting; inputs random, all zeros
// and all ones. Tolerance: |xnnpack - reference| <= 1e-4 * max(1, max |reference|).
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "layer_graphs.hpp"
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
            const std::string label = input_label(what, c, h, w, fill, seed);
            auto r1 = (*xb)->run(g, in.view(), got);
            ASSERT_TRUE(r1) << label << ": " << r1.error().message;
            auto r2 = ref->run(g, in.view(), want);
            ASSERT_TRUE(r2) << label << ": " << r2.error().message;
            EXPECT_TRUE(close_enough(got, want, kTol, label + (direct ? " (direct conv)" : "")));
        }
        if (fallbacks != nullptr && !direct) *fallbacks = (*xb)->fallback_layers();
    }
}

// check_graph as the shared cases of layer_graphs.hpp take it.
void check(const Graph& g, int c, int h, int w, const std::string& what, uint32_t seed) {
    check_graph(g, c, h, w, what, seed);
}

TEST(XnnpackLayers, Convolution) {
    using namespace act;
    const ConvCase cases[] = {
        {3, 64, 3, 1, 1, 1, 1, 17, 13, leaky},  {5, 13, 3, 1, 1, 1, 1, 17, 13, none},
        {17, 7, 3, 2, 1, 1, 1, 17, 13, relu},   {13, 19, 3, 1, 2, 2, 1, 9, 23, clip},
        {12, 18, 3, 1, 1, 0, 3, 11, 10, sigm},  {16, 16, 3, 1, 1, 1, 16, 17, 13, leaky},
        {64, 32, 2, 2, 1, 0, 1, 18, 14, leaky}, {24, 3, 1, 1, 1, 0, 1, 7, 31, none},
        {9, 11, 5, 1, 1, 2, 1, 13, 17, none},   {33, 48, 3, 1, 1, 1, 1, 67, 43, none},
    };
    check_conv_cases(cases, 100, check);
}

TEST(XnnpackLayers, ConvolutionSamePaddingAndDeconvOutputPad) {
    std::mt19937 rng(case_seed(150));
    check_same_upper_padding(rng, check);
    ConvolutionParams d = conv_params(6, 4, 3, 2, 1, 1, 1);
    d.output_pad_right = 1;
    d.output_pad_bottom = 1;
    GraphBuilder b;
    const int out = b.add(conv_layer(LayerType::deconvolution, d, rng), {0});
    check_graph(b.finish(out), 6, 9, 7, "deconv k3 s2 pad 1 output_pad 1", 153);
}

TEST(XnnpackLayers, Deconvolution) {
    check_deconv_cases(kDeconvCases, 200, check);
}

TEST(XnnpackLayers, PReluPerChannelAndShared) {
    check_prelu(check);
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

// Every interp case maps to XNNPACK: none falls back to the reference.
TEST(XnnpackLayers, Interp) {
    check_interp([](const Graph& g, int c, int h, int w, const std::string& what, uint32_t seed) {
        std::vector<std::string> fallbacks;
        check_graph(g, c, h, w, what, seed, &fallbacks);
        EXPECT_EQ(fallbacks.size(), 0u) << what;
    });
}

TEST(XnnpackLayers, BinaryOpBroadcastAndScalar) {
    const BinaryOpType ops[] = {BinaryOpType::add,  BinaryOpType::sub, BinaryOpType::mul,
                                BinaryOpType::div,  BinaryOpType::max, BinaryOpType::min,
                                BinaryOpType::rsub, BinaryOpType::rdiv};
    uint32_t seed = 600;
    for (BinaryOpType op : ops) {
        for (int form = 0; form < 3; ++form) {  // same shape, per-channel vector, scalar
            std::mt19937 rng(case_seed(seed));
            const Graph g = binary_op_graph(op, form, rng);
            auto xb = XnnpackBackend::create(2);
            ASSERT_TRUE(xb);
            auto ref = make_reference_backend(1);
            const Tensor in = positive_input(rng);
            Tensor got;
            Tensor want;
            const std::string what = binary_op_label(op, form, seed);
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
    check_eltwise_concat_crop(check);
}

TEST(XnnpackLayers, SqueezeExcitationPath) {
    check_squeeze_excitation(check);
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
