// Broken models give clean errors that name what is wrong, never a crash.
#include <cmath>
#include <limits>
#include <random>
#include <string_view>

#include <gtest/gtest.h>

#include "nn/ncnn/param_dict.hpp"
#include "nn_test_util.hpp"

namespace kizuna::nn::test {
namespace {

const std::string kGoodParam =
    "7767517\n"
    "3 3\n"
    "Input in 0 1 data\n"
    "Convolution conv 1 1 data a 0=2 1=3 4=1 5=1 6=18 9=2 -23310=1,1.5e-1\n"
    "PReLU pr 1 1 a out 0=2\n";

std::vector<uint8_t> good_bin() {
    BinWriter b;
    b.tagged_f32(std::vector<float>(18, 0.1f));
    b.f32({0.f, 1.f});
    b.f32({0.2f, 0.3f});
    return b.bytes;
}

Error read_error(const std::string& param, const std::vector<uint8_t>& bin) {
    auto g = read_ncnn(param, bin, "m.param", "m.bin");
    EXPECT_FALSE(g.ok());
    return g.ok() ? Error{} : std::move(g).error();
}

// The error of reading the good model with the first `from` in its .param replaced by `to`.
Error edited_error(std::string_view from, std::string_view to) {
    std::string p = kGoodParam;
    p.replace(p.find(from), from.size(), to);
    return read_error(p, good_bin());
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

TEST(ReaderErrors, GoodModelReads) {
    auto g = read_ncnn(kGoodParam, good_bin(), "m.param", "m.bin");
    ASSERT_TRUE(g.ok()) << g.error().message;
    ASSERT_EQ(g->layers.size(), 3u);
    const auto* conv = g->layers[1].get<ConvolutionParams>();
    ASSERT_NE(conv, nullptr);
    EXPECT_EQ(conv->num_input, 1);
    EXPECT_EQ(conv->activation.type, ActivationType::leaky_relu);
    EXPECT_FLOAT_EQ(conv->activation.alpha, 0.15f);
    EXPECT_EQ(g->layers[1].line, 4);
    EXPECT_EQ(g->output_blob, 2);
    EXPECT_EQ(g->parameter_count(), 22u);
}

TEST(ReaderErrors, BadMagic) {
    const Error e = read_error("7767518\n1 1\nInput in 0 1 data\n", {});
    EXPECT_EQ(e.code, Errc::corrupt_data);
    EXPECT_TRUE(contains(e.message, "m.param:1")) << e.message;
    EXPECT_TRUE(contains(e.message, "magic")) << e.message;
}

TEST(ReaderErrors, LayerCountLargerThanTheFile) {
    const Error e = edited_error("3 3", "4 3");
    EXPECT_TRUE(contains(e.message, "ends after 3 layers")) << e.message;
}

TEST(ReaderErrors, LayerCountSmallerThanTheFile) {
    const Error e = edited_error("3 3", "2 3");
    EXPECT_TRUE(contains(e.message, "unexpected text")) << e.message;
}

TEST(ReaderErrors, BlobCountThatLies) {
    EXPECT_TRUE(contains(edited_error("3 3", "3 7").message, "declares 7 blobs"));
    EXPECT_TRUE(contains(edited_error("3 3", "3 2").message, "more blobs"));
}

TEST(ReaderErrors, HugeCountsAreRejectedBeforeAllocating) {
    const Error e = read_error("7767517\n2000000000 2000000000\n", {});
    EXPECT_TRUE(contains(e.message, "out of range")) << e.message;
    const Error e2 = read_error("7767517\n1 1\nInput in 0 2000000000 data\n", {});
    EXPECT_TRUE(contains(e2.message, "bottom/top counts")) << e2.message;
    const Error e3 =
        read_error("7767517\n2 2\nInput in 0 1 data\nEltwise e 1 1 data out -23301=99999,1\n", {});
    EXPECT_TRUE(contains(e3.message, "bad length")) << e3.message;
}

TEST(ReaderErrors, UnknownLayerNamesTypeNameAndLine) {
    const Error e = edited_error("PReLU pr", "Swishy pr");
    EXPECT_EQ(e.code, Errc::unsupported);
    EXPECT_TRUE(contains(e.message, "Swishy")) << e.message;
    EXPECT_TRUE(contains(e.message, "'pr'")) << e.message;
    EXPECT_TRUE(contains(e.message, "m.param:5")) << e.message;
}

TEST(ReaderErrors, UndefinedInputBlob) {
    const Error e = edited_error("1 1 a out", "1 1 zz out");
    EXPECT_TRUE(contains(e.message, "'zz'")) << e.message;
    EXPECT_TRUE(contains(e.message, "m.param:5")) << e.message;
}

TEST(ReaderErrors, InconsistentWeightSize) {
    const Error e = edited_error("6=18", "6=17");
    EXPECT_TRUE(contains(e.message, "weight_data_size 17")) << e.message;
    EXPECT_TRUE(contains(e.message, "'conv'")) << e.message;
}

TEST(ReaderErrors, TruncatedBinGivesExpectedAndActualBytes) {
    std::vector<uint8_t> bin = good_bin();
    ASSERT_EQ(bin.size(), 4u + 72u + 8u + 8u);
    bin.resize(50);
    const Error e = read_error(kGoodParam, bin);
    EXPECT_EQ(e.code, Errc::corrupt_data);
    EXPECT_TRUE(contains(e.message, "truncated")) << e.message;
    EXPECT_TRUE(contains(e.message, "92 bytes")) << e.message;
    EXPECT_TRUE(contains(e.message, "50 bytes")) << e.message;
    EXPECT_TRUE(contains(read_error(kGoodParam, {}).message, "has 0 bytes"));
}

TEST(ReaderErrors, TooLongBinGivesExpectedAndActualBytes) {
    std::vector<uint8_t> bin = good_bin();
    bin.resize(bin.size() + 6, 0);
    const Error e = read_error(kGoodParam, bin);
    EXPECT_TRUE(contains(e.message, "too long")) << e.message;
    EXPECT_TRUE(contains(e.message, "92 bytes")) << e.message;
    EXPECT_TRUE(contains(e.message, "98 bytes")) << e.message;
}

TEST(ReaderErrors, UnsupportedWeightTag) {
    std::vector<uint8_t> bin = good_bin();
    bin[0] = 0x38;  // 0x000D4B38: int8
    bin[1] = 0x4B;
    bin[2] = 0x0D;
    const Error e = read_error(kGoodParam, bin);
    EXPECT_EQ(e.code, Errc::unsupported);
    EXPECT_TRUE(contains(e.message, "int8")) << e.message;
    EXPECT_TRUE(contains(e.message, "'conv'")) << e.message;
}

// fp16 NaN or infinity in a weight (or fp32 NaN in a bias) would make every pixel white or black;
// the reader refuses the model, naming the layer and the value.
TEST(ReaderErrors, NonFiniteWeightsAreRefusedNamingTheLayer) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    for (float bad : {nan, inf, -inf}) {
        std::vector<float> w(18, 0.1f);
        w[7] = bad;
        BinWriter b;
        b.tagged_f16(w);
        b.f32({0.f, 1.f});
        b.f32({0.2f, 0.3f});
        const Error e = read_error(kGoodParam, b.bytes);
        EXPECT_EQ(e.code, Errc::corrupt_data);
        EXPECT_TRUE(contains(e.message, "'conv'")) << e.message;
        EXPECT_TRUE(contains(e.message, "weight 7 of 18")) << e.message;
        EXPECT_TRUE(contains(e.message, std::isnan(bad) ? "NaN" : "infinite")) << e.message;
    }
    BinWriter b;
    b.tagged_f32(std::vector<float>(18, 0.1f));
    b.f32({0.f, nan});
    b.f32({0.2f, 0.3f});
    const Error e = read_error(kGoodParam, b.bytes);
    EXPECT_TRUE(contains(e.message, "bias 1 of 2 is NaN")) << e.message;
}

TEST(ReaderErrors, MalformedParameters) {
    for (const char* bad : {"0=", "=3", "0=1.2.3", "x=1", "0=1e999", "-23310=2,1", "-23310=1,1,2",
                            "-23310=a,1", "99=1", "0=2 0=3"}) {
        const Error e = edited_error("0=2", bad);
        EXPECT_TRUE(contains(e.message, "m.param:4")) << bad << ": " << e.message;
    }
}

TEST(ReaderErrors, GarbageBytesNeverCrash) {
    std::mt19937 rng(7);
    const std::vector<uint8_t> bin = good_bin();
    for (int i = 0; i < 300; ++i) {
        std::string p = kGoodParam;
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < edits; ++k) {
            const size_t pos = rng() % p.size();
            switch (rng() % 3) {
                case 0:
                    p[pos] = static_cast<char>(rng() % 256);
                    break;
                case 1:
                    p.erase(pos, 1 + rng() % 5);
                    break;
                default:
                    p.insert(pos, 1, "0123456789-=,. \nxe"[rng() % 18]);
                    break;
            }
        }
        auto g = read_ncnn(p, bin, "m.param", "m.bin");
        if (g.ok()) {
            auto s = infer_shapes(*g, 1, 5, 5);  // also must not crash
            (void)s;
        } else {
            EXPECT_FALSE(g.error().message.empty()) << "seed 7 iteration " << i;
        }
    }
    std::vector<uint8_t> noise(4096);
    for (auto& b : noise) b = static_cast<uint8_t>(rng());
    auto g = read_ncnn(std::string(noise.begin(), noise.end()), noise, "m.param", "m.bin");
    EXPECT_FALSE(g.ok());
}

TEST(ParamDict, ParsesEveryValueForm) {
    ParamDict pd;
    for (const char* t : {"0=64", "1=-3", "2=1.5e-3", "3=2.000000e+00", "4=-0.25", "5=+7",
                          "-23306=2,1.0,2.0", "-23307=3,4,-4,0", "-23308=0"})
        ASSERT_TRUE(pd.parse_token(t).ok()) << t;
    EXPECT_EQ(*pd.get_int(0, 0), 64);
    EXPECT_EQ(*pd.get_int(1, 0), -3);
    EXPECT_FLOAT_EQ(*pd.get_float(2, 0), 1.5e-3f);
    EXPECT_EQ(*pd.get_int(3, 0), 2);  // an integral float is accepted as an int
    EXPECT_FLOAT_EQ(*pd.get_float(4, 0), -0.25f);
    EXPECT_EQ(*pd.get_int(5, 0), 7);
    EXPECT_EQ(*pd.get_float_array(6), (std::vector<float>{1.f, 2.f}));
    EXPECT_EQ(*pd.get_int_array(7), (std::vector<int>{4, -4, 0}));
    EXPECT_TRUE(pd.get_int_array(8)->empty());
    EXPECT_EQ(*pd.get_int(9, 42), 42);    // absent -> fallback
    EXPECT_FALSE(pd.get_int(2, 0).ok());  // 1.5e-3 is not an integer
    EXPECT_FALSE(pd.get_int(6, 0).ok());  // array where a scalar is expected
    EXPECT_FALSE(pd.get_float_array(0).ok());
}

}  // namespace
}  // namespace kizuna::nn::test
