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
#include "nn/backend.hpp"
#include "nn/direct/direct_conv.hpp"
#include "nn/xnnpack/xnnpack_backend.hpp"
#include "xnn_test_util.hpp"

namespace kizuna::nn::test {
namespace {

constexpr float kTol = 1e-4f;

struct ConvCase {
    int ci = 0;
    int co = 0;
    int kh = 3;
    int kw = 3;
    int stride = 1;
    int dil = 1;
    int pad = 1;
    bool same = false;
    int h = 5;
    int w = 9;
    ActivationParams act{};
    int prelu_slopes = 0;        // 0 = no PReLU layer after the convolution
    bool second_reader = false;  // the convolution's output also feeds the graph output sum

    std::string name() const {
        return "ci " + std::to_string(ci) + " co " + std::to_string(co) + " k " +
               std::to_string(kh) + "x" + std::to_string(kw) + " s " + std::to_string(stride) +
               " d " + std::to_string(dil) + " pad " + (same ? "same" : std::to_string(pad)) +
               " in " + std::to_string(h) + "x" + std::to_string(w) + " act " +
               std::to_string(static_cast<int>(act.type)) + " prelu " +
               std::to_string(prelu_slopes) + (second_reader ? " shared" : "");
    }
};

Graph make_graph(const ConvCase& c, std::mt19937& rng) {
    ConvolutionParams p;
    p.num_input = c.ci;
    p.num_output = c.co;
    p.kernel_h = c.kh;
    p.kernel_w = c.kw;
    p.stride_h = p.stride_w = c.stride;
    p.dilation_h = p.dilation_w = c.dil;
    p.pad_left = p.pad_right = p.pad_top = p.pad_bottom = c.pad;
    if (c.same) p.pad_mode = PadMode::same_upper;
    p.activation = c.act;
    GraphBuilder b;
    const int conv = b.add(conv_layer(LayerType::convolution, p, rng, c.co % 2 == 1), {0});
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
        const Tensor in = make_input(c.ci, c.h, c.w, fill, rng);
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
            ConvCase c;
            c.ci = (co + w) % 3 == 0 ? 3 : 7;
            c.co = co;
            c.h = 3;
            c.w = w;
            check_case(c, seed++);
        }
    }
}

TEST_F(DirectConv, ShapesStridesDilationsPadding) {
    const ActivationParams relu{ActivationType::relu, 0.f, 0.f};
    const ActivationParams leaky{ActivationType::leaky_relu, 0.2f, 0.f};
    const ActivationParams clip{ActivationType::clip, -0.25f, 0.5f};
    std::vector<ConvCase> cases;
    auto add = [&](int ci, int co, int kh, int kw, int stride, int dil, int pad, int h, int w,
                   ActivationParams act) {
        ConvCase c;
        c.ci = ci;
        c.co = co;
        c.kh = kh;
        c.kw = kw;
        c.stride = stride;
        c.dil = dil;
        c.pad = pad;
        c.h = h;
        c.w = w;
        c.act = act;
        cases.push_back(c);
    };
    add(64, 64, 3, 3, 1, 1, 1, 43, 67, leaky);  // the realesr-animevideov3 body
    add(67, 65, 3, 3, 1, 1, 1, 7, 13, relu);
    add(1, 17, 3, 3, 1, 1, 1, 9, 11, {});
    add(64, 32, 3, 3, 1, 1, 0, 9, 10, clip);  // valid padding (waifu2x cunet)
    add(64, 48, 1, 1, 1, 1, 0, 6, 23, {});
    add(7, 12, 5, 3, 1, 1, 2, 8, 9, leaky);
    add(16, 20, 3, 3, 2, 1, 1, 11, 17, relu);  // stride 2, odd size
    add(13, 19, 3, 3, 1, 2, 2, 9, 23, clip);   // dilation 2
    add(3, 64, 3, 3, 1, 1, 3, 5, 6, {});       // padding wider than the kernel reach
    uint32_t seed = 2000;
    for (const ConvCase& c : cases) check_case(c, seed++);
    ConvCase same;
    same.ci = 5;
    same.co = 9;
    same.same = true;
    same.h = 12;
    same.w = 13;
    for (int stride : {1, 2}) {
        same.stride = stride;
        check_case(same, seed++);
    }
}

TEST_F(DirectConv, FusedPRelu) {
    uint32_t seed = 3000;
    for (int slopes : {1, 64}) {
        for (bool shared : {false, true}) {
            ConvCase c;
            c.ci = 64;
            c.co = 64;
            c.h = 9;
            c.w = 14;
            c.prelu_slopes = slopes;
            c.second_reader = shared;
            check_case(c, seed++);
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
        auto conv = [&](int ci, int co, ActivationParams act) {
            ConvolutionParams p;
            p.num_input = ci;
            p.num_output = co;
            p.kernel_h = p.kernel_w = 3;
            p.pad_left = p.pad_right = p.pad_top = p.pad_bottom = 1;
            p.activation = act;
            return conv_layer(LayerType::convolution, p, rng);
        };
        auto concat = [] { return layer_of(LayerType::concat, ConcatParams{0}); };
        GraphBuilder b;
        const int x = b.add(conv(3, 16, {}), {0});
        const int x1 = b.add(conv(16, 8, leaky), {x});
        const int c1 = b.add(concat(), {x, x1});
        const int x2 = b.add(conv(24, 8, leaky), {c1});
        const int c2 = b.add(concat(), {x, x1, x2});
        const int x3 = b.add(conv(32, 16, {}), {c2});
        const int x4 = b.add(conv(24, 16, {}), {c1});  // c1 read again, after c2
        const Layer sum = layer_of(LayerType::eltwise, EltwiseParams{EltwiseOp::sum, {}});
        int out = b.add(sum, {x3, x4, x});
        if (extra_reader) {
            // c2 is also read by a pooling layer: it must be materialised.
            PoolingParams pp;
            pp.type = PoolingType::max;
            pp.kernel_w = pp.kernel_h = 1;
            const int pooled = b.add(layer_of(LayerType::pooling, pp), {c2});
            const int y = b.add(conv(32, 16, {}), {pooled});
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
    ConvCase c;
    c.ci = 64;
    c.co = 100;
    c.h = 23;
    c.w = 31;
    c.act = {ActivationType::leaky_relu, 0.1f, 0.f};
    std::mt19937 rng(case_seed(4000));
    const Graph g = make_graph(c, rng);
    const Tensor in = make_input(c.ci, c.h, c.w, Fill::random, rng);
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
