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
        const std::string label = what + " input " + std::to_string(c) + "x" + std::to_string(h) +
                                  "x" + std::to_string(w) + " " + fill_name(fill) +
                                  seed_note(case_seed(seed));
        EXPECT_TRUE(compare_with_reference(*vk, g, in, label));
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

TEST(VkNnLayers, Convolution) {
    struct Case {
        int ci, co, k, stride, dil, pad, group, h, w;
        ActivationParams act;
        float pad_value;
    };
    const ActivationParams none{};
    const ActivationParams leaky{ActivationType::leaky_relu, 0.1f, 0.f};
    const ActivationParams relu{ActivationType::relu, 0.f, 0.f};
    const ActivationParams clip{ActivationType::clip, -0.2f, 0.3f};
    const ActivationParams sigm{ActivationType::sigmoid, 0.f, 0.f};
    const ActivationParams mish{ActivationType::mish, 0.f, 0.f};
    const ActivationParams hswish{ActivationType::hard_swish, 1.f / 6, 0.5f};
    const Case cases[] = {
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
    uint32_t seed = 100;
    for (const Case& c : cases) {
        std::mt19937 rng(case_seed(seed));
        ConvolutionParams p = conv_params(c.ci, c.co, c.k, c.stride, c.dil, c.pad, c.group);
        p.activation = c.act;
        p.pad_value = c.pad_value;
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

TEST(VkNnLayers, ConvolutionSamePaddingAndFusedPRelu) {
    std::mt19937 rng(case_seed(150));
    for (int stride : {1, 2}) {
        ConvolutionParams p = conv_params(5, 7, 3, stride, 1, 0, 1);
        p.pad_mode = PadMode::same_upper;
        GraphBuilder b;
        const int out = b.add(conv_layer(LayerType::convolution, p, rng), {0});
        check_graph(b.finish(out), 5, 17, 13, "conv same_upper stride " + std::to_string(stride),
                    150 + stride);
    }
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
        Layer pr;
        pr.type = LayerType::prelu;
        pr.params = PReluParams{slopes};
        pr.weights = random_values(static_cast<size_t>(slopes), rng, -0.5f, 0.5f);
        const int out = b.add(pr, {c1});
        check_graph(b.finish(out), 4, 9, 12, "conv + prelu slopes " + std::to_string(slopes),
                    155 + slopes);
    }
}

TEST(VkNnLayers, Deconvolution) {
    struct Case {
        int ci, co, k, stride, pad, h, w, out_pad, out_w;
        ActivationParams act;
    };
    const Case cases[] = {
        {64, 64, 2, 2, 0, 9, 7, 0, 0, {ActivationType::leaky_relu, 0.1f, 0.f}},
        {13, 3, 4, 2, 3, 11, 6, 0, 0, {}},  // Real-CUGAN's last layer shape
        {7, 5, 5, 3, 2, 5, 9, 0, 0, {}},
        {17, 9, 3, 1, 1, 8, 13, 0, 0, {ActivationType::relu, 0.f, 0.f}},
        {6, 4, 3, 2, 1, 9, 7, 1, 0, {}},
        {6, 4, 3, 2, 0, 9, 7, 0, 12, {}},
    };
    uint32_t seed = 200;
    for (const Case& c : cases) {
        std::mt19937 rng(case_seed(seed));
        ConvolutionParams p = conv_params(c.ci, c.co, c.k, c.stride, 1, c.pad, 1);
        p.activation = c.act;
        p.output_pad_right = p.output_pad_bottom = c.out_pad;
        p.output_w = p.output_h = c.out_w;
        GraphBuilder b;
        const int out = b.add(conv_layer(LayerType::deconvolution, p, rng), {0});
        check_graph(b.finish(out), c.ci, c.h, c.w,
                    "deconv ci " + std::to_string(c.ci) + " co " + std::to_string(c.co) + " k " +
                        std::to_string(c.k) + " s " + std::to_string(c.stride) + " pad " +
                        std::to_string(c.pad),
                    seed);
        ++seed;
    }
}

TEST(VkNnLayers, PReluActivationPixelShuffle) {
    for (int slopes : {13, 1}) {
        std::mt19937 rng(case_seed(300 + slopes));
        Layer l;
        l.type = LayerType::prelu;
        l.params = PReluParams{slopes};
        l.weights = random_values(static_cast<size_t>(slopes), rng, -0.5f, 0.5f);
        GraphBuilder b;
        const int out = b.add(l, {0});
        check_graph(b.finish(out), 13, 17, 13, "prelu slopes " + std::to_string(slopes),
                    300 + slopes);
    }
    for (ActivationType t : {ActivationType::relu, ActivationType::clip, ActivationType::sigmoid,
                             ActivationType::mish, ActivationType::hard_swish}) {
        Layer l;
        l.type = LayerType::activation;
        l.params = ActivationParams{t, t == ActivationType::clip ? -0.3f : 0.2f, 0.4f};
        GraphBuilder b;
        const int out = b.add(l, {0});
        check_graph(b.finish(out), 3, 7, 9, "activation " + std::to_string(static_cast<int>(t)),
                    320 + static_cast<uint32_t>(t));
    }
    for (int r : {2, 3, 4}) {
        for (int mode : {0, 1}) {
            Layer ps;
            ps.type = LayerType::pixel_shuffle;
            ps.params = PixelShuffleParams{r, mode};
            GraphBuilder b;
            const int out = b.add(ps, {0});
            check_graph(b.finish(out), 3 * r * r, 9, 7,
                        "pixel shuffle r " + std::to_string(r) + " mode " + std::to_string(mode),
                        400 + static_cast<uint32_t>(r * 10 + mode));
        }
    }
}

TEST(VkNnLayers, Interp) {
    struct Case {
        InterpMode mode;
        float sy, sx;
        int oh, ow;
        bool align;
    };
    const Case cases[] = {
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
    for (const Case& c : cases) {
        InterpParams p;
        p.mode = c.mode;
        p.height_scale = c.sy;
        p.width_scale = c.sx;
        p.output_h = c.oh;
        p.output_w = c.ow;
        p.align_corner = c.align;
        Layer l;
        l.type = LayerType::interp;
        l.params = p;
        GraphBuilder b;
        const int out = b.add(l, {0});
        check_graph(b.finish(out), 5, 17, 13,
                    "interp mode " + std::to_string(static_cast<int>(c.mode)) + " scale " +
                        std::to_string(c.sy) + " out " + std::to_string(c.oh) + "x" +
                        std::to_string(c.ow),
                    seed++);
    }
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
            GraphBuilder b;
            ConvolutionParams p = conv_params(7, 7, 1, 1, 1, 0, 1);
            int other = b.add(conv_layer(LayerType::convolution, p, rng), {0});
            if (form == 1) {
                PoolingParams pp;
                pp.type = PoolingType::average;
                pp.global = true;
                Layer pool;
                pool.type = LayerType::pooling;
                pool.params = pp;
                other = b.add(pool, {other});
            }
            if (form == 3) {  // 1 x H x W: broadcast over channels
                Layer crop;
                crop.type = LayerType::crop;
                CropParams cp;
                cp.outc = 1;
                crop.params = cp;
                other = b.add(crop, {other});
            }
            BinaryOpParams bp;
            bp.op = op;
            bp.with_scalar = form == 2;
            bp.scalar = 0.75f;
            Layer l;
            l.type = LayerType::binary_op;
            l.params = bp;
            const int out = form == 2 ? b.add(l, {0}) : b.add(l, {0, other});
            Graph g = b.finish(out);
            if (form == 2) g.blobs[1].consumers.clear();
            // Positive operands keep divisions and powers well defined.
            Tensor in = make_input(7, 17, 13, Fill::random, rng);
            for (size_t i = 0; i < in.size(); ++i) in.data()[i] += 2.f;
            const std::string what = "binary op " + std::to_string(static_cast<int>(op)) +
                                     " form " + std::to_string(form) + seed_note(case_seed(seed));
            EXPECT_TRUE(compare_with_reference(*vk, g, in, what));
            ++seed;
        }
    }
}

TEST(VkNnLayers, EltwiseConcatCrop) {
    std::mt19937 rng(case_seed(700));
    for (int kind = 0; kind < 6; ++kind) {
        GraphBuilder b;
        Layer split;
        split.type = LayerType::split;
        const int s0 = b.add(split, {0}, 3);
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
            l.type = LayerType::eltwise;
            l.params = ep;
            what = "eltwise op " + std::to_string(kind);
        } else {
            l.type = LayerType::concat;
            l.params = ConcatParams{kind - 3};
            what = "concat axis " + std::to_string(kind - 3);
        }
        const int out = b.add(l, {s0, c1, c2});
        check_graph(b.finish(out), 6, 11, 9, what, 700 + kind);
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
        Layer l;
        l.type = LayerType::crop;
        l.params = cp;
        GraphBuilder b;
        const int out = b.add(l, {0});
        check_graph(b.finish(out), 5, 17, 13, "crop form " + std::to_string(form), 710 + form);
    }
}

TEST(VkNnLayers, PoolingSqueezeExcitationScale) {
    std::mt19937 rng(case_seed(800));
    GraphBuilder b;
    Layer split;
    split.type = LayerType::split;
    const int s0 = b.add(split, {0}, 2);
    PoolingParams pp;
    pp.type = PoolingType::average;
    pp.global = true;
    Layer pool;
    pool.type = LayerType::pooling;
    pool.params = pp;
    const int gap = b.add(pool, {s0});
    auto ip = [&](int ni, int no, ActivationType act) {
        InnerProductParams p;
        p.num_input = ni;
        p.num_output = no;
        p.activation.type = act;
        Layer l;
        l.type = LayerType::inner_product;
        l.params = p;
        l.weights = random_values(static_cast<size_t>(ni) * no, rng, -0.5f, 0.5f);
        l.bias = random_values(static_cast<size_t>(no), rng, -0.5f, 0.5f);
        return l;
    };
    const int fc1 = b.add(ip(24, 5, ActivationType::relu), {gap});
    const int fc2 = b.add(ip(5, 24, ActivationType::sigmoid), {fc1});
    ScaleParams sp;
    sp.from_input = true;
    Layer scale;
    scale.type = LayerType::scale;
    scale.params = sp;
    const int se = b.add(scale, {s0 + 1, fc2});
    ScaleParams sw;
    sw.scale_data_size = 24;
    Layer scale2;
    scale2.type = LayerType::scale;
    scale2.params = sw;
    scale2.weights = random_values(24, rng, -1.f, 1.f);
    scale2.bias = random_values(24, rng, -1.f, 1.f);
    const int sc = b.add(scale2, {se});
    check_graph(b.finish(sc), 24, 13, 11, "squeeze-excitation", 800);

    GraphBuilder b2;
    const int flat = b2.add(ip(4 * 3 * 5, 7, ActivationType::none), {0});
    check_graph(b2.finish(flat), 4, 3, 5, "inner product on 4x3x5", 801);

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
        Layer l;
        l.type = LayerType::pooling;
        l.params = p;
        GraphBuilder g;
        const int out = g.add(l, {0});
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
    Layer split;
    split.type = LayerType::split;
    const int s0 = b.add(split, {0}, 2);
    const int c1 =
        b.add(conv_layer(LayerType::convolution, conv_params(5, 6, 3, 1, 1, 1, 1), rng), {s0});
    PoolingParams pp;
    pp.type = PoolingType::average;
    pp.global = true;
    Layer pool;
    pool.type = LayerType::pooling;
    pool.params = pp;
    const int gap = b.add(pool, {c1});
    const int pool_layer = 3;
    const int c2 =
        b.add(conv_layer(LayerType::convolution, conv_params(5, 6, 1, 1, 1, 0, 1), rng), {s0 + 1});
    BinaryOpParams bp;
    bp.op = BinaryOpType::mul;
    Layer mul;
    mul.type = LayerType::binary_op;
    mul.params = bp;
    const int out = b.add(mul, {c2, gap});
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
    Layer ps;
    ps.type = LayerType::pixel_shuffle;
    ps.params = PixelShuffleParams{2, 0};
    const Graph g = b.finish(b.add(ps, {c1}));
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
    Layer ps;
    ps.type = LayerType::pixel_shuffle;
    ps.params = PixelShuffleParams{2, 0};
    const Graph shuffle_graph = sb.finish(sb.add(ps, {0}));
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
