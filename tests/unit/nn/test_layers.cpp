// Tiny models written by the tests in ncnn format, with outputs worked out by hand.
#include <gtest/gtest.h>

#include "nn_test_util.hpp"

namespace kizuna::nn::test {
namespace {

using V = std::vector<float>;

// The start of every model here: the magic, the layer and blob counts, and the input layer
// (its blob: data).
std::string header(int layers, int blobs) {
    return "7767517\n" + std::to_string(layers) + " " + std::to_string(blobs) +
           "\nInput in 0 1 data\n";
}

// The head of the squeeze-excitation pattern: the input split into a and b, and m, b's
// per-channel means (global average pooling, C x 1 x 1).
constexpr const char* kSplitAndChannelMeans =
    "Split sp 1 2 data a b\n"
    "Pooling gap 1 1 b m 0=1 4=1\n";

TEST(Layers, Convolution1x1WithBiasIsPerChannelAffine) {
    const std::string param = header(2, 2) + "Convolution conv 1 1 data out 0=2 1=1 5=1 6=4\n";
    BinWriter bin;
    bin.tagged_f32({1, 0, 0, 2});  // out0 = in0, out1 = 2*in1
    bin.f32({0.5f, -1.f});
    EXPECT_EQ(values(run_model(param, bin.bytes, make_tensor(2, 1, 2, {1, 2, 3, 4}))),
              (V{1.5f, 2.5f, 5.f, 7.f}));
}

TEST(Layers, Convolution3x3CentreTapIsIdentityAndCornerTapShifts) {
    const std::string param = header(3, 3) +
                              "Convolution id 1 1 data a 0=1 1=3 4=1 6=9\n"
                              "Convolution shift 1 1 a out 0=1 1=3 4=1 6=9\n";
    BinWriter bin;
    bin.tagged_f32({0, 0, 0, 0, 1, 0, 0, 0, 0});
    bin.tagged_f32({1, 0, 0, 0, 0, 0, 0, 0, 0});  // top-left tap: out(y,x) = in(y-1,x-1)
    EXPECT_EQ(
        values(run_model(param, bin.bytes, make_tensor(1, 3, 3, {1, 2, 3, 4, 5, 6, 7, 8, 9}))),
        (V{0, 0, 0, 0, 1, 2, 0, 4, 5}));
}

TEST(Layers, ConvolutionStride2AndLeakyReluActivation) {
    // 2x2 kernel of ones at stride 2: sums of 2x2 blocks, then leaky ReLU 0.1.
    const std::string param =
        header(2, 2) + "Convolution c 1 1 data out 0=1 1=2 3=2 6=4 9=2 -23310=1,1.0e-1\n";
    BinWriter bin;
    bin.tagged_f32({1, 1, 1, 1});
    const Tensor out =
        run_model(param, bin.bytes, make_tensor(1, 2, 4, {1, 2, -3, -4, 5, 6, -7, -8}));
    ASSERT_EQ(out.width(), 2);
    ASSERT_EQ(out.height(), 1);
    EXPECT_FLOAT_EQ(out.data()[0], 14.f);
    EXPECT_FLOAT_EQ(out.data()[1], -2.2f);
}

TEST(Layers, Fp16TaggedWeightsAreWidened) {
    const std::string param = header(2, 2) + "Convolution conv 1 1 data out 0=1 1=1 5=1 6=3\n";
    BinWriter bin;
    bin.tagged_f16({0.5f, -2.f, 0.25f});  // 3 halves + 2 bytes of padding
    bin.f32({0.125f});
    EXPECT_EQ(bin.bytes.size(), 4u + 8u + 4u);
    const Tensor out = run_model(param, bin.bytes, make_tensor(3, 1, 1, {2, 1, 4}));
    EXPECT_FLOAT_EQ(out.data()[0], 0.5f * 2 - 2.f * 1 + 0.25f * 4 + 0.125f);
}

TEST(Layers, PixelShuffleUsesPyTorchChannelOrder) {
    // 8 channels of 1x1 -> 2 channels of 2x2: out[c][i][j] = in[c*4 + i*2 + j].
    const std::string param = header(2, 2) + "PixelShuffle ps 1 1 data out 0=2\n";
    const Graph g = must_read(param, {});
    const Tensor out = run_ref(g, make_tensor(8, 1, 1, {0, 1, 2, 3, 4, 5, 6, 7}));
    ASSERT_EQ(out.channels(), 2);
    ASSERT_EQ(out.height(), 2);
    EXPECT_EQ(values(out), (V{0, 1, 2, 3, 4, 5, 6, 7}));
    // 4 channels of 1x2: each input pixel becomes a 2x2 block.
    const Tensor out2 = run_ref(g, make_tensor(4, 1, 2, {0, 10, 1, 11, 2, 12, 3, 13}));
    EXPECT_EQ(values(out2), (V{0, 1, 10, 11, 2, 3, 12, 13}));
}

TEST(Layers, CropOffsetForm) {
    const std::string param =
        header(2, 2) + "Crop c 1 1 data out 0=1 1=2 3=2 4=1\n";  // x from 1, y from 2, 2x1
    EXPECT_EQ(values(run_model(param, {}, make_tensor(1, 3, 3, {1, 2, 3, 4, 5, 6, 7, 8, 9}))),
              (V{8, 9}));
}

TEST(Layers, CropReferenceForm) {
    // Crop `data` to the size of `small` (a 2x2 crop of data) at offset (1, 1).
    const std::string param = header(4, 5) +
                              "Split sp 1 2 data d0 d1\n"
                              "Crop small 1 1 d0 s -23309=2,0,0 -23310=2,2,2 -23311=2,1,2\n"
                              "Crop c 2 1 d1 s out 0=1 1=1\n";
    const Tensor out = run_model(param, {}, make_tensor(1, 3, 3, {1, 2, 3, 4, 5, 6, 7, 8, 9}));
    ASSERT_EQ(out.width(), 2);
    EXPECT_EQ(values(out), (V{5, 6, 8, 9}));
}

TEST(Layers, CropStartsEndsAxesFormWithNegativeEnds) {
    const std::string param =
        header(2, 2) + "Crop c 1 1 data out -23309=2,1,1 -23310=2,-1,-1 -23311=2,-2,-1\n";
    const Tensor out = run_model(
        param, {}, make_tensor(1, 4, 4, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}));
    EXPECT_EQ(values(out), (V{6, 7, 10, 11}));
}

TEST(Layers, InterpNearestScale2) {
    const std::string param = header(2, 2) + "Interp up 1 1 data out 0=1 1=2.0 2=2.000000e+00\n";
    EXPECT_EQ(values(run_model(param, {}, make_tensor(1, 2, 2, {1, 2, 3, 4}))),
              (V{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}));
}

TEST(Layers, InterpBicubicHalvesAConstantAndALinearRamp) {
    // Downscale by 2: output x samples source position 2x + 0.5, where the symmetric cubic
    // weights (-0.09375, 0.59375, 0.59375, -0.09375) give the midpoint of a ramp v = x, i.e.
    // 2x + 0.5, away from the clamped edges.
    const std::string param =
        header(2, 2) + "Interp down 1 1 data out 0=3 1=5.000000e-01 2=5.000000e-01\n";
    const Graph g = must_read(param, {});
    V ramp;
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x) ramp.push_back(static_cast<float>(x));
    const Tensor out = run_ref(g, make_tensor(1, 8, 8, ramp));
    ASSERT_EQ(out.width(), 4);
    EXPECT_NEAR(out.data()[1], 2.5f, 1e-5f);
    EXPECT_NEAR(out.data()[2], 4.5f, 1e-5f);
    const Tensor flat = run_ref(g, make_tensor(1, 8, 8, V(64, 0.75f)));
    for (float v : values(flat)) EXPECT_NEAR(v, 0.75f, 1e-6f);
}

TEST(Layers, EltwiseSumWithCoefficients) {
    const std::string param = header(3, 4) +
                              "Split sp 1 2 data a b\n"
                              "Eltwise e 2 1 a b out 0=1 -23301=2,2.000000e-01,1.000000e+00\n";
    const Tensor out = run_model(param, {}, make_tensor(1, 1, 2, {10, -5}));
    EXPECT_FLOAT_EQ(out.data()[0], 12.f);
    EXPECT_FLOAT_EQ(out.data()[1], -6.f);
}

TEST(Layers, BinaryOpBroadcastsPerChannelVectorAndScalar) {
    // Multiply each channel by its own mean (global average pooling -> C x 1 x 1), the
    // squeeze-excitation pattern of Real-CUGAN; then 1 - x with the scalar form (rsub).
    const std::string param = header(5, 6) + kSplitAndChannelMeans +
                              "BinaryOp mul 2 1 a m x 0=2\n"
                              "BinaryOp rsub 1 1 x out 0=7 1=1 2=1.0\n";
    EXPECT_EQ(values(run_model(param, {}, make_tensor(2, 2, 2, {1, 2, 3, 4, 0, 0, 0, 8}))),
              (V{1 - 2.5f, 1 - 5.f, 1 - 7.5f, 1 - 10.f, 1, 1, 1, 1 - 16.f}));
}

TEST(Layers, InnerProductAndTwoInputScale) {
    // The cunet attention block: gap -> InnerProduct(sigmoid) -> Scale(data, weights).
    const std::string param = header(5, 6) + kSplitAndChannelMeans +
                              "InnerProduct fc 1 1 m s 0=2 1=1 2=4\n"
                              "Scale sc 2 1 a s out 0=-233\n";
    BinWriter bin;
    bin.tagged_f32({1, 0, 0, -1});  // s0 = mean0 + 1, s1 = -mean1 + 3
    bin.f32({1, 3});
    EXPECT_EQ(values(run_model(param, bin.bytes, make_tensor(2, 1, 2, {1, 3, 2, 2}))),
              (V{3, 9, 2, 2}));
}

TEST(Layers, DeconvolutionKernel2Stride2PlacesBlocks) {
    const std::string param = header(2, 2) + "Deconvolution d 1 1 data out 0=1 1=2 3=2 5=1 6=4\n";
    BinWriter bin;
    bin.tagged_f32({1, 10, 100, 1000});
    bin.f32({0.5f});
    const Tensor out = run_model(param, bin.bytes, make_tensor(1, 1, 2, {1, 2}));
    ASSERT_EQ(out.height(), 2);
    ASSERT_EQ(out.width(), 4);
    EXPECT_EQ(values(out), (V{1.5f, 10.5f, 2.5f, 20.5f, 100.5f, 1000.5f, 200.5f, 2000.5f}));
}

TEST(Layers, DeconvolutionOverlapAndPaddingCrop) {
    // k=3, s=2, pad 1: full output 5 wide, cropped by 1 each side -> 3.
    const std::string param = header(2, 2) +
                              "Deconvolution d 1 1 data out 0=1 1=3 11=1 3=2 13=1 4=1 14=0 "
                              "16=0 6=3\n";
    BinWriter bin;
    bin.tagged_f32({1, 2, 3});
    // in [a, b] = [1, 10]: full = [1, 2, 3+10, 20, 30]; crop 1 left and right -> [2, 13, 20].
    const Tensor out = run_model(param, bin.bytes, make_tensor(1, 1, 2, {1, 10}));
    EXPECT_EQ(values(out), (V{2, 13, 20}));
}

TEST(Layers, PReluAndConcatChannels) {
    const std::string param = header(4, 5) +
                              "Split sp 1 2 data a b\n"
                              "PReLU pr 1 1 a p 0=2\n"
                              "Concat cat 2 1 p b out 0=0\n";
    BinWriter bin;
    bin.f32({0.5f, 0.25f});
    const Tensor out = run_model(param, bin.bytes, make_tensor(2, 1, 2, {-2, 2, -4, 4}));
    ASSERT_EQ(out.channels(), 4);
    EXPECT_EQ(values(out), (V{-1, 2, -1, 4, -2, 2, -4, 4}));
}

TEST(Layers, ResultsDoNotDependOnThreadCount) {
    const std::string param = header(3, 3) +
                              "Convolution c1 1 1 data a 0=7 1=3 4=1 5=1 6=189 9=1\n"
                              "Deconvolution d 1 1 a out 0=5 1=4 3=2 4=1 5=1 6=560\n";
    BinWriter bin;
    V w1(189), b1(7), w2(560), b2(5);
    uint32_t seed = 12345;
    auto rnd = [&] {
        seed = seed * 1664525u + 1013904223u;
        return static_cast<float>(seed >> 8) / 16777216.f - 0.5f;
    };
    for (auto* v : {&w1, &b1, &w2, &b2})
        for (float& x : *v) x = rnd();
    bin.tagged_f32(w1);
    bin.f32(b1);
    bin.tagged_f32(w2);
    bin.f32(b2);
    const Graph g = must_read(param, bin.bytes);
    V in(3 * 13 * 11);
    for (float& x : in) x = rnd();
    const Tensor t = make_tensor(3, 13, 11, in);
    const Tensor one = run_ref(g, t, 1);
    const Tensor three = run_ref(g, t, 3);
    ASSERT_EQ(one.size(), three.size());
    EXPECT_EQ(0, std::memcmp(one.data(), three.data(), one.size() * sizeof(float))) << "seed 12345";
}

TEST(Layers, EltwiseProductAndMax) {
    for (const auto& [op, expected] : {std::pair{0, V{3, -8}}, std::pair{2, V{3, 4}}}) {
        // a = [1, -2], b = [3, 4] come from one 1x1x4 input cropped in two halves.
        const std::string p2 = header(5, 6) +
                               "Split sp 1 2 data a b\n"
                               "Crop ca 1 1 a a2 0=0 3=2\n"
                               "Crop cb 1 1 b b2 0=2 3=2\n"
                               "Eltwise e 2 1 a2 b2 out 0=" +
                               std::to_string(op) + "\n";
        const Graph g = must_read(p2, {});
        EXPECT_EQ(values(run_ref(g, make_tensor(1, 1, 4, {1, -2, 3, 4}))), expected) << "op " << op;
    }
}

TEST(Layers, InterpBilinearScale2ClampsAtTheEdges) {
    // Source x = (d + 0.5) / 2 - 0.5, clamped to [0, 1]: -0.25, 0.25, 0.75, 1.25 -> 0, 1, 3, 4.
    const std::string param = header(2, 2) + "Interp up 1 1 data out 0=2 1=1.0 2=2.0\n";
    const Graph g = must_read(param, {});
    EXPECT_EQ(values(run_ref(g, make_tensor(1, 1, 2, {0, 4}))), (V{0, 1, 3, 4}));
}

TEST(Layers, PoolingWindows) {
    // Max 2x2 stride 2 "valid" on 2x4.
    Graph g = must_read(header(2, 2) + "Pooling p 1 1 data out 0=0 1=2 2=2 5=1\n", {});
    EXPECT_EQ(values(run_ref(g, make_tensor(1, 2, 4, {1, 5, 2, 0, 3, 4, 8, 7}))), (V{5, 8}));
    // "full" mode keeps the last partial window: width 5, kernel 2, stride 2 -> 3 outputs.
    g = must_read(header(2, 2) + "Pooling p 1 1 data out 0=0 1=2 11=1 2=2 12=1\n", {});
    EXPECT_EQ(values(run_ref(g, make_tensor(1, 1, 5, {1, 5, 2, 0, 9}))), (V{5, 2, 9}));
    // Average 3x3, pad 1, over a 2x2 input: without counting pad every window averages all
    // four values; counting pad divides by 9.
    g = must_read(header(2, 2) + "Pooling p 1 1 data out 0=1 1=3 3=1 5=1\n", {});
    EXPECT_EQ(values(run_ref(g, make_tensor(1, 2, 2, {1, 2, 3, 4}))), (V{2.5f, 2.5f, 2.5f, 2.5f}));
    g = must_read(header(2, 2) + "Pooling p 1 1 data out 0=1 1=3 3=1 5=1 6=1\n", {});
    for (float v : values(run_ref(g, make_tensor(1, 2, 2, {1, 2, 3, 4}))))
        EXPECT_FLOAT_EQ(v, 10.f / 9.f);
}

}  // namespace
}  // namespace kizuna::nn::test
