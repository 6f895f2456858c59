// The direct convolution (src/nn/direct/direct_conv.hpp; the AVX-512 kernel, or the AVX2 one
// when the CPU or KIZUNA_CPU_MAX=avx2 says so) against the reference backend, checkasm style:
// output widths 1..19 and 67 (every tail of the 6-, 8-, 12- and 16-pixel blocks), output
// channel counts around the 8- and 16-lane vectors and 64-channel groups (1, 5, 16, 17,
// 31, 48, 64, 65, 100, 128), input channels 1, 3, 7, 64, 67; kernels 1x1, 3x3, 5x3; stride 2;
// dilation 2; explicit and SAME padding; each activation of the epilogue; a fused PReLU (per
// channel and shared) and one that must not be fused (its input has a second reader); inputs
// random, all zeros and all ones; channel concats elided into the convolutions that read them
// (an RRDB-like dense block). Tolerance: |direct - reference| <= 1e-4 * max(1, max |ref|) (only
// the summation order differs). Also: bit-identical output for 1, 2 and 3 threads.
#include <gtest/gtest.h>

#include <string>

#include "kizuna/probe.hpp"
#include "layer_graphs.hpp"
#include "nn/backend.hpp"
#include "nn/direct/direct_conv.hpp"
#include "nn/xnnpack/xnnpack_backend.hpp"
#include "xnn_test_util.hpp"

namespace kizuna::nn::test {
namespace {

constexpr float kTol = 1e-4f;

// ci -> co, a kh x kw kernel, stride, dilation and padding on both axes, `act` fused.
ConvolutionParams conv(int ci, int co, int kh, int kw, int stride, int dil, int pad,
                       ActivationParams act = {}) {
    ConvolutionParams p = conv_params(ci, co, kh, stride, dil, pad, 1);
    p.kernel_w = kw;
    p.activation = act;
    return p;
}

// One convolution on a num_input x h x w input, and the PReLU after it when asked.
struct ConvCase {
    ConvolutionParams p;
    int h = 5;
    int w = 9;
    int prelu_slopes = 0;        // 0 = no PReLU layer after the convolution
    bool second_reader = false;  // the convolution's output also feeds the graph output sum

    std::string name() const {
        const bool same = p.pad_mode == PadMode::same_upper;
        return "ci " + std::to_string(p.num_input) + " co " + std::to_string(p.num_output) + " k " +
               std::to_string(p.kernel_h) + "x" + std::to_string(p.kernel_w) + " s " +
               std::to_string(p.stride_h) + " d " + std::to_string(p.dilation_h) + " pad " +
               (same ? "same" : std::to_string(p.pad_top)) + " in " + std::to_string(h) + "x" +
               std::to_string(w) + " act " + std::to_string(static_cast<int>(p.activation.type)) +
               " prelu " + std::to_string(prelu_slopes) + (second_reader ? " shared" : "");
    }
};

// The convolution with random weights (a bias when num_output is odd), then the PReLU.
Graph make_graph(const ConvCase& c, std::mt19937& rng) {
    GraphBuilder b;
    const int conv =
        b.add(conv_layer(LayerType::convolution, c.p, rng, c.p.num_output % 2 == 1), {0});
    int out = conv;
    if (c.prelu_slopes > 0) {
        Layer l = layer_of(LayerType::prelu, PReluParams{c.prelu_slopes});
        l.weights = random_values(static_cast<size_t>(c.prelu_slopes), rng, -0.5f, 0.5f);
        out = b.add(l, {conv});
        if (c.second_reader) {
            out = b.add(layer_of(LayerType::binary_op, BinaryOpParams{}), {out, conv});
        }
    }
    return b.finish(out);
}

void check_case(const ConvCase& c, uint32_t seed) {
    std::mt19937 rng(case_seed(seed));
    const Graph g = make_graph(c, rng);
    auto xb = XnnpackBackend::create(2, true);
    ASSERT_TRUE(xb) << xb.error().message;
    auto ref = make_reference_backend(1);
    for (Fill fill : kAllFills) {
        const Tensor in = make_input(c.p.num_input, c.h, c.w, fill, rng);
        Tensor got;
        Tensor want;
        const std::string label = c.name() + " " + fill_name(fill) + seed_note(case_seed(seed));
        auto r1 = (*xb)->run(g, in.view(), got);
        ASSERT_TRUE(r1) << label << ": " << r1.error().message;
        auto r2 = ref->run(g, in.view(), want);
        ASSERT_TRUE(r2) << label << ": " << r2.error().message;
        ASSERT_TRUE(close_enough(got, want, kTol, label));
    }
    EXPECT_TRUE((*xb)->fallback_layers().empty()) << c.name();
}

// The kernels obey the process-wide CPU cap (KIZUNA_CPU_MAX / set_cpu_max): AVX-512 or AVX2 by
// the level in force, and below AVX2 the XNNPACK convolutions, so the per-level test runs
// exercise every path a CPU may take.
TEST(DirectConvCap, FollowsTheCpuLevel) {
    const CpuLevel before = cpu_max();
    set_cpu_max(CpuLevel::sse4);
    EXPECT_FALSE(direct::available());
    set_cpu_max(CpuLevel::avx2);
    EXPECT_EQ(direct::available(), probe_cpu().detected >= CpuLevel::avx2);
    set_cpu_max(before);
    EXPECT_EQ(direct::available(), cpu_level() >= CpuLevel::avx2);
}

class DirectConv : public ::testing::Test {
protected:
    void SetUp() override {
        if (!direct::available()) {
            GTEST_SKIP() << "CPU level " << cpu_level_name(cpu_level())
                         << " (below avx2): no direct kernel";
        }
    }
};

TEST_F(DirectConv, EveryWidthTailAndChannelGroup) {
    uint32_t seed = 1000;
    for (int co : {1, 5, 16, 17, 31, 48, 64, 65, 100, 128}) {
        for (int w = 1; w <= 19; ++w) {
            check_case({conv((co + w) % 3 == 0 ? 3 : 7, co, 3, 3, 1, 1, 1), 3, w}, seed++);
        }
    }
}

TEST_F(DirectConv, ShapesStridesDilationsPadding) {
    const ActivationParams relu{ActivationType::relu, 0.f, 0.f};
    const ActivationParams leaky{ActivationType::leaky_relu, 0.2f, 0.f};
    const ActivationParams clip{ActivationType::clip, -0.25f, 0.5f};
    const ConvCase cases[] = {
        {conv(64, 64, 3, 3, 1, 1, 1, leaky), 43, 67},  // the realesr-animevideov3 body
        {conv(67, 65, 3, 3, 1, 1, 1, relu), 7, 13},   {conv(1, 17, 3, 3, 1, 1, 1), 9, 11},
        {conv(64, 32, 3, 3, 1, 1, 0, clip), 9, 10},  // valid padding (waifu2x cunet)
        {conv(64, 48, 1, 1, 1, 1, 0), 6, 23},         {conv(7, 12, 5, 3, 1, 1, 2, leaky), 8, 9},
        {conv(16, 20, 3, 3, 2, 1, 1, relu), 11, 17},  // stride 2, odd size
        {conv(13, 19, 3, 3, 1, 2, 2, clip), 9, 23},   // dilation 2
        {conv(3, 64, 3, 3, 1, 1, 3), 5, 6},           // padding wider than the kernel reach
    };
    uint32_t seed = 2000;
    for (const ConvCase& c : cases) check_case(c, seed++);
    for (int stride : {1, 2}) {  // SAME padding
        ConvCase same{conv(5, 9, 3, 3, stride, 1, 1), 12, 13};
        same.p.pad_mode = PadMode::same_upper;
        check_case(same, seed++);
    }
}

TEST_F(DirectConv, FusedPRelu) {
    uint32_t seed = 3000;
    for (int slopes : {1, 64}) {
        for (bool shared : {false, true}) {
            check_case({conv(64, 64, 3, 3, 1, 1, 1), 9, 14, slopes, shared}, seed++);
        }
    }
}

// Channel concats read only by direct convolutions are elided (the convolutions read the
// concat's inputs as segments): an RRDB-like dense block, where every concat re-reads the block
// input and earlier features, and a concat with a second, non-convolution reader (kept).
TEST_F(DirectConv, ElidedConcatDenseBlock) {
    for (bool extra_reader : {false, true}) {
        const uint32_t seed = extra_reader ? 3101 : 3100;
        std::mt19937 rng(case_seed(seed));
        const ActivationParams leaky{ActivationType::leaky_relu, 0.2f, 0.f};
        auto conv3x3 = [&](int ci, int co, ActivationParams act) {
            return conv_layer(LayerType::convolution, conv(ci, co, 3, 3, 1, 1, 1, act), rng);
        };
        auto concat = [] { return layer_of(LayerType::concat, ConcatParams{0}); };
        GraphBuilder b;
        const int x = b.add(conv3x3(3, 16, {}), {0});
        const int x1 = b.add(conv3x3(16, 8, leaky), {x});
        const int c1 = b.add(concat(), {x, x1});
        const int x2 = b.add(conv3x3(24, 8, leaky), {c1});
        const int c2 = b.add(concat(), {x, x1, x2});
        const int x3 = b.add(conv3x3(32, 16, {}), {c2});
        const int x4 = b.add(conv3x3(24, 16, {}), {c1});  // c1 read again, after c2
        const Layer sum = layer_of(LayerType::eltwise, EltwiseParams{EltwiseOp::sum, {}});
        int out = b.add(sum, {x3, x4, x});
        if (extra_reader) {
            // c2 is also read by a pooling layer: it must be materialised.
            PoolingParams pp;
            pp.type = PoolingType::max;
            pp.kernel_w = pp.kernel_h = 1;
            const int pooled = b.add(layer_of(LayerType::pooling, pp), {c2});
            const int y = b.add(conv3x3(32, 16, {}), {pooled});
            out = b.add(sum, {out, y});
        }
        const Graph g = b.finish(out);
        auto xb = XnnpackBackend::create(2, true);
        ASSERT_TRUE(xb) << xb.error().message;
        auto ref = make_reference_backend(1);
        for (Fill fill : {Fill::random, Fill::ones}) {
            const Tensor in = make_input(3, 13, 21, fill, rng);
            Tensor got;
            Tensor want;
            const std::string label = std::string("dense block") +
                                      (extra_reader ? " with a pooled reader " : " ") +
                                      fill_name(fill) + seed_note(case_seed(seed));
            auto r1 = (*xb)->run(g, in.view(), got);
            ASSERT_TRUE(r1) << label << ": " << r1.error().message;
            auto r2 = ref->run(g, in.view(), want);
            ASSERT_TRUE(r2) << label << ": " << r2.error().message;
            EXPECT_TRUE(close_enough(got, want, kTol, label));
            // Run again: the elided concat's inputs must still be intact on a second pass.
            Tensor again;
            ASSERT_TRUE((*xb)->run(g, in.view(), again));
            EXPECT_EQ(fnv1a(again), fnv1a(got)) << label;
        }
    }
}

TEST_F(DirectConv, SameBitsForAnyThreadCount) {
    const ConvCase c{conv(64, 100, 3, 3, 1, 1, 1, {ActivationType::leaky_relu, 0.1f, 0.f}), 23, 31};
    std::mt19937 rng(case_seed(4000));
    const Graph g = make_graph(c, rng);
    const Tensor in = make_input(64, c.h, c.w, Fill::random, rng);
    uint64_t first = 0;
    for (int threads : {1, 2, 3}) {
        auto xb = XnnpackBackend::create(threads, true);
        ASSERT_TRUE(xb) << xb.error().message;
        Tensor out;
        ASSERT_TRUE((*xb)->run(g, in.view(), out));
        const uint64_t h = fnv1a(out);
        if (threads == 1) first = h;
        EXPECT_EQ(h, first) << threads << " threads";
    }
}

}  // namespace
}  // namespace kizuna::nn::test
