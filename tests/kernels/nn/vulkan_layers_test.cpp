// Every layer type the catalogue models use, one small graph at a time, through the Vulkan
// backend against the reference backend (on whatever Vulkan device exists; lavapipe here):
// odd sizes, channel counts that are not multiples of the GEMM tile, strides, dilation, groups,
// fused activations and PReLU, broadcasting; inputs of every kernel-check fill. Tolerance:
// |vulkan - reference| <= 1e-4 * max(1, max |reference|) (fp32 storage and arithmetic; only the
// summation order differs). Also: the mutation checks (a dropped bias, a transposed kernel
// index, a swapped pixel-shuffle order injected into the shaders each fail the comparison), and
// the RunControl paths the tiler uses (overrides, stop_before, sum_blob).
// Skips only when the machine has no Vulkan device at all.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "layer_graphs.hpp"
#include "nn/backend.hpp"
#include "vk_test_util.hpp"
#include "xnn_test_util.hpp"

namespace kizuna::nn::test {
namespace {

constexpr float kTol = 1e-4f;

::testing::AssertionResult compare_with_reference(VulkanBackend& vk, const Graph& g,
                                                  const Tensor& in, const std::string& label) {
    vk.forget_graph();  // the graphs of these tests may share an address and a fingerprint
    Tensor got;
    Tensor want;
    auto r1 = vk.run(g, in.view(), got);
    if (!r1) return ::testing::AssertionFailure() << label << ": " << r1.error().message;
    auto ref = make_reference_backend(1);
    auto r2 = ref->run(g, in.view(), want);
    if (!r2) return ::testing::AssertionFailure() << label << ": " << r2.error().message;
    return close_enough(got, want, kTol, label);
}

void check_graph(const Graph& g, int c, int h, int w, const std::string& what, uint32_t seed) {
    KZ_VULKAN_BACKEND_OR_SKIP(vk, vk::Fault::none);
    std::mt19937 rng(case_seed(seed));
    for (Fill fill : kAllFills) {
        const Tensor in = make_input(c, h, w, fill, rng);
        EXPECT_TRUE(compare_with_reference(*vk, g, in, input_label(what, c, h, w, fill, seed)));
    }
}

TEST(VkNnLayers, Convolution) {
    using namespace act;
    const ConvCase cases[] = {
        {3, 64, 3, 1, 1, 1, 1, 17, 13, leaky, 0.f},
        {5, 13, 3, 1, 1, 1, 1, 17, 13, none, 0.f},
        {17, 7, 3, 2, 1, 1, 1, 17, 13, relu, 0.f},
        {13, 19, 3, 1, 2, 2, 1, 9, 23, clip, 0.f},
        {12, 18, 3, 1, 1, 0, 3, 11, 10, sigm, 0.f},
        {16, 16, 3, 1, 1, 1, 16, 17, 13, leaky, 0.f},
        {64, 32, 2, 2, 1, 0, 1, 18, 14, leaky, 0.f},
        {24, 3, 1, 1, 1, 0, 1, 7, 31, none, 0.f},
        {9, 11, 5, 1, 1, 2, 1, 13, 17, mish, 0.f},
        {33, 70, 3, 1, 1, 1, 1, 67, 43, none, 0.f},
        {6, 5, 3, 1, 1, 1, 1, 5, 6, hswish, 0.25f},
        {64, 64, 3, 1, 1, 1, 1, 1, 1, leaky, 0.f},
        // Outputs of 4096 pixels and more take the 2048-pixel x 64-channel kernel, or its
        // 32-channel variant for up to 32 channels.
        {5, 37, 3, 1, 1, 1, 1, 61, 70, leaky, 0.f},
        {8, 70, 3, 1, 1, 1, 2, 64, 66, hswish, 0.25f},
        {7, 29, 3, 1, 1, 1, 1, 64, 65, relu, 0.f},
    };
    check_conv_cases(cases, 100, check_graph);
}

TEST(VkNnLayers, ConvolutionSamePaddingAndFusedPRelu) {
    std::mt19937 rng(case_seed(150));
    check_same_upper_padding(rng, check_graph);
    // Convolution + PReLU (realesr-animevideov3's body): the PReLU is fused into the
    // convolution's epilogue, per-channel and shared slopes; after a sigmoid (not piecewise
    // linear: a separate pass) it must still come after the activation.
    for (int slopes : {11, 1, 12}) {
        GraphBuilder b;
        ConvolutionParams cp = conv_params(4, 11, 3, 1, 1, 1, 1);
        if (slopes == 12) {
            slopes = 11;
            cp.activation.type = ActivationType::sigmoid;
        }
        const int c1 = b.add(conv_layer(LayerType::convolution, cp, rng), {0});
        Layer pr = layer_of(LayerType::prelu, PReluParams{slopes});
        pr.weights = random_values(static_cast<size_t>(slopes), rng, -0.5f, 0.5f);
        const int out = b.add(pr, {c1});
        check_graph(b.finish(out), 4, 9, 12, "conv + prelu slopes " + std::to_string(slopes),
                    155 + slopes);
    }
}

TEST(VkNnLayers, Deconvolution) {
    check_deconv_cases(kDeconvCases, 200, check_graph);
    // Output padding, and an output size given (seeds 204, 205).
    const DeconvCase output_size_cases[] = {{6, 4, 3, 2, 1, 9, 7, {}, 1, 0},
                                            {6, 4, 3, 2, 0, 9, 7, {}, 0, 12}};
    check_deconv_cases(output_size_cases, 204, check_graph);
}

TEST(VkNnLayers, PReluActivationPixelShuffle) {
    check_prelu(check_graph);
    for (ActivationType t : {ActivationType::relu, ActivationType::clip, ActivationType::sigmoid,
                             ActivationType::mish, ActivationType::hard_swish}) {
        const Layer l =
            layer_of(LayerType::activation,
                     ActivationParams{t, t == ActivationType::clip ? -0.3f : 0.2f, 0.4f});
        GraphBuilder b;
        const int out = b.add(l, {0});
        check_graph(b.finish(out), 3, 7, 9, "activation " + std::to_string(static_cast<int>(t)),
                    320 + static_cast<uint32_t>(t));
    }
    for (int r : {2, 3, 4}) {
        for (int mode : {0, 1}) {
            GraphBuilder b;
            const int out =
                b.add(layer_of(LayerType::pixel_shuffle, PixelShuffleParams{r, mode}), {0});
            check_graph(b.finish(out), 3 * r * r, 9, 7,
                        "pixel shuffle r " + std::to_string(r) + " mode " + std::to_string(mode),
                        400 + static_cast<uint32_t>(r * 10 + mode));
        }
    }
}

TEST(VkNnLayers, Interp) {
    check_interp(check_graph);
}

TEST(VkNnLayers, BinaryOpBroadcastAndScalar) {
    KZ_VULKAN_BACKEND_OR_SKIP(vk, vk::Fault::none);
    const BinaryOpType ops[] = {BinaryOpType::add, BinaryOpType::sub,  BinaryOpType::mul,
                                BinaryOpType::div, BinaryOpType::max,  BinaryOpType::min,
                                BinaryOpType::pow, BinaryOpType::rsub, BinaryOpType::rdiv};
    uint32_t seed = 600;
    for (BinaryOpType op : ops) {
        for (int form = 0; form < 4; ++form) {  // same shape, vector, scalar, row broadcast
            std::mt19937 rng(case_seed(seed));
            const Graph g = binary_op_graph(op, form, rng);
            const Tensor in = positive_input(rng);
            EXPECT_TRUE(compare_with_reference(*vk, g, in, binary_op_label(op, form, seed)));
            ++seed;
        }
    }
}

TEST(VkNnLayers, EltwiseConcatCrop) {
    check_eltwise_concat_crop(check_graph);
}

TEST(VkNnLayers, PoolingSqueezeExcitationScale) {
    check_squeeze_excitation(check_graph);

    // Windowed and global pooling, max and average, with and without padding.
    struct Case {
        PoolingType type;
        bool global;
        int k, stride, pad, pad_mode;
        bool include_pad;
    };
    const Case cases[] = {
        {PoolingType::max, true, 1, 1, 0, 0, true},
        {PoolingType::max, false, 2, 2, 0, 1, true},
        {PoolingType::average, false, 3, 2, 1, 0, true},
        {PoolingType::average, false, 3, 2, 1, 0, false},
        {PoolingType::max, false, 3, 1, 1, 2, true},
    };
    uint32_t seed = 810;
    for (const Case& c : cases) {
        PoolingParams p;
        p.type = c.type;
        p.global = c.global;
        p.kernel_h = p.kernel_w = c.k;
        p.stride_h = p.stride_w = c.stride;
        p.pad_left = p.pad_right = p.pad_top = p.pad_bottom = c.pad;
        p.pad_mode = c.pad_mode;
        p.count_include_pad = c.include_pad;
        GraphBuilder g;
        const int out = g.add(layer_of(LayerType::pooling, p), {0});
        check_graph(g.finish(out), 5, 17, 13,
                    "pooling type " + std::to_string(static_cast<int>(c.type)) + " global " +
                        std::to_string(c.global) + " k " + std::to_string(c.k) + " s " +
                        std::to_string(c.stride) + " pad " + std::to_string(c.pad) + " mode " +
                        std::to_string(c.pad_mode),
                    seed++);
    }
}

// A global-pooling graph run in pieces as the tiler does: stop before the layer after the pool,
// read the pooled input's sums, then run whole with the pool's output overridden.
TEST(VkNnLayers, StopBeforeSumBlobAndOverride) {
    KZ_VULKAN_BACKEND_OR_SKIP(vk, vk::Fault::none);
    std::mt19937 rng(case_seed(850));
    GraphBuilder b;
    const int s0 = b.add(layer_of(LayerType::split), {0}, 2);
    const int c1 =
        b.add(conv_layer(LayerType::convolution, conv_params(5, 6, 3, 1, 1, 1, 1), rng), {s0});
    const int gap = b.add(global_pooling(PoolingType::average), {c1});
    const int pool_layer = 3;
    const int c2 =
        b.add(conv_layer(LayerType::convolution, conv_params(5, 6, 1, 1, 1, 0, 1), rng), {s0 + 1});
    BinaryOpParams bp;
    bp.op = BinaryOpType::mul;
    const int out = b.add(layer_of(LayerType::binary_op, bp), {c2, gap});
    const Graph g = b.finish(out);
    const Tensor in = make_input(5, 9, 11, Fill::random, rng);
    auto ref = make_reference_backend(1);

    for (Backend* be : {static_cast<Backend*>(vk), ref.get()}) {
        Tensor unused = std::move(*Tensor::create(6, 9, 11));
        RunControl stop;
        stop.stop_before = pool_layer;
        ASSERT_TRUE(be->run(g, in.view(), unused.view(), stop)) << be->name();
    }
    std::vector<double> got(6, 0.0), want(6, 0.0);
    ASSERT_TRUE(vk->sum_blob(c1, 1, 8, 2, 10, got));
    ASSERT_TRUE(ref->sum_blob(c1, 1, 8, 2, 10, want));
    for (size_t c = 0; c < got.size(); ++c)
        EXPECT_NEAR(got[c], want[c], 1e-4 * std::max(1.0, std::fabs(want[c]))) << "channel " << c;
    EXPECT_FALSE(vk->sum_blob(gap, 0, 1, 0, 1, got)) << "a blob the stopped layer does not read";

    const std::vector<float> means = {0.5f, -1.f, 2.f, 0.f, 0.25f, 3.f};
    const RunControl::Override o{pool_layer, means.data()};
    RunControl with;
    with.overrides = std::span(&o, 1);
    Tensor vgot = std::move(*Tensor::create(6, 9, 11));
    Tensor rgot = std::move(*Tensor::create(6, 9, 11));
    ASSERT_TRUE(vk->run(g, in.view(), vgot.view(), with));
    ASSERT_TRUE(ref->run(g, in.view(), rgot.view(), with));
    EXPECT_TRUE(close_enough(vgot, rgot, kTol, "override of the pooled means"));
}

// Steady state: a second run at the prepared size (same graph, same overrides) allocates nothing
// through C++ (the device buffers, pipelines and command buffer are reused).
TEST(VkNnLayers, RunsAtThePreparedSizeAllocateNothing) {
    KZ_VULKAN_BACKEND_OR_SKIP(vk, vk::Fault::none);
    std::mt19937 rng(case_seed(870));
    GraphBuilder b;
    const int c1 =
        b.add(conv_layer(LayerType::convolution, conv_params(3, 8, 3, 1, 1, 1, 1), rng), {0});
    const Graph g =
        b.finish(b.add(layer_of(LayerType::pixel_shuffle, PixelShuffleParams{2, 0}), {c1}));
    const Tensor in = make_input(3, 13, 11, Fill::random, rng);
    Tensor out = std::move(*Tensor::create(2, 26, 22));
    vk->forget_graph();
    ASSERT_TRUE(vk->run(g, in.view(), out.view()));
    const long before = kizuna::test::allocation_count();
    ASSERT_TRUE(vk->run(g, in.view(), out.view()));
    EXPECT_EQ(kizuna::test::allocation_count() - before, 0);
}

// The mutation checks: each fault injected into a shader makes the comparison with the
// reference fail, on a graph that the fault-free backend passes.
TEST(VkNnLayers, InjectedFaultsAreCaught) {
    std::mt19937 rng(case_seed(900));
    GraphBuilder cb;
    // An asymmetric 3x3 kernel with a bias (a transposed kernel reads different weights).
    const int conv = cb.add(
        conv_layer(LayerType::convolution, conv_params(6, 9, 3, 1, 1, 1, 1), rng, true), {0});
    const Graph conv_graph = cb.finish(conv);
    GraphBuilder sb;
    const Graph shuffle_graph =
        sb.finish(sb.add(layer_of(LayerType::pixel_shuffle, PixelShuffleParams{2, 0}), {0}));
    const Tensor conv_in = make_input(6, 11, 13, Fill::random, rng);
    const Tensor shuffle_in = make_input(12, 5, 7, Fill::random, rng);

    struct Case {
        vk::Fault fault;
        const Graph* graph;
        const Tensor* input;
        const char* what;
    };
    const Case cases[] = {
        {vk::Fault::conv_drop_bias, &conv_graph, &conv_in, "dropped bias"},
        {vk::Fault::conv_transposed_kernel, &conv_graph, &conv_in, "transposed kernel index"},
        {vk::Fault::shuffle_swapped, &shuffle_graph, &shuffle_in, "swapped shuffle order"},
    };
    KZ_VULKAN_BACKEND_OR_SKIP(good, vk::Fault::none);
    for (const Case& c : cases) {
        EXPECT_TRUE(compare_with_reference(*good, *c.graph, *c.input, c.what));
        std::string err;
        VulkanBackend* bad = shared_vulkan_backend(c.fault, &err);
        ASSERT_NE(bad, nullptr) << err;
        EXPECT_FALSE(compare_with_reference(*bad, *c.graph, *c.input, c.what))
            << c.what << ": the injected fault went unnoticed";
    }
}

}  // namespace
}  // namespace kizuna::nn::test

namespace kizuna::nn::test {
namespace {

// Bench mode (KIZUNA_CHECK_BENCH=1) only: the 64 -> 64 channel 3x3 convolution that dominates
// the catalogue models, on a 64x64 input (the measurement behind vk_pipelines.cpp's choice).
// A convolution of the models' usual shape (64 -> 64 channels, 3x3, leaky ReLU) at 64x64: checked
// against the reference, and timed in bench mode (KIZUNA_CHECK_BENCH=1).
TEST(VkNnLayers, ModelSizedConvolutionMatchesAndBenches) {
    KZ_VULKAN_BACKEND_OR_SKIP(vk, vk::Fault::none);
    std::mt19937 rng(case_seed(950));
    GraphBuilder b;
    ConvolutionParams p = conv_params(64, 64, 3, 1, 1, 1, 1);
    p.activation = {ActivationType::leaky_relu, 0.1f, 0.f};
    const Graph g = b.finish(b.add(conv_layer(LayerType::convolution, p, rng), {0}));
    const Tensor in = make_input(64, 64, 64, Fill::random, rng);
    EXPECT_TRUE(compare_with_reference(*vk, g, in, "conv 64->64 3x3 on 64x64" + seed_note(950)));
    if (!kizuna::test::bench_enabled()) return;
    const double gflop = 2.0 * 64 * 64 * 9 * 64 * 64 * 1e-9;
    Tensor out;
    const double us = kizuna::test::bench(
        "vulkan conv 64->64 3x3 on 64x64", [&] { (void)vk->run(g, in.view(), out); }, 5);
    std::printf("  %.2f GFLOP/s (GPU %.2f ms last run, %s)\n", gflop / (us * 1e-6),
                vk->last_gpu_ms(), vk->device_name().c_str());
}

}  // namespace
}  // namespace kizuna::nn::test
