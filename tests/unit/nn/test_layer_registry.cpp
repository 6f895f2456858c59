// The layer registry: one complete entry per layer type, ncnn names that find their entry, and
// the table-driven parameter decoding (defaults taken from earlier keys, ranges, keys that must
// be off, markers accepted outside a range) as a model file's author sees it.
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "nn/layers/registry.hpp"
#include "nn/ncnn/param_table.hpp"
#include "nn_test_util.hpp"

namespace kizuna::nn::test {
namespace {

TEST(LayerRegistry, OneCompleteEntryPerLayerType) {
    ASSERT_EQ(layer_defs().size(), kLayerTypeCount);
    std::set<std::string> names;
    for (size_t i = 0; i < kLayerTypeCount; ++i) {
        const auto type = static_cast<LayerType>(i);
        const LayerDef& def = layer_def(type);
        const std::string name = layer_type_name(type);
        EXPECT_EQ(def.type, type) << "entry " << i << " is " << layer_type_name(def.type);
        EXPECT_TRUE(names.insert(name).second) << name << " twice";
        EXPECT_FALSE(def.ncnn.empty()) << name << ": no ncnn type name";
        // Everything that computes has a reference forward; only aliases do not.
        EXPECT_EQ(def.reference == nullptr, type == LayerType::input || def.aliases_input) << name;
        EXPECT_NE(def.xnnpack, nullptr) << name;
    }
    EXPECT_EQ(std::string(layer_type_name(static_cast<LayerType>(200))), "unknown");
}

TEST(LayerRegistry, EveryNcnnNameFindsItsEntry) {
    std::set<std::string> seen;
    for (const LayerDef* def : layer_defs())
        for (const NcnnForm& form : def->ncnn) {
            EXPECT_TRUE(seen.insert(std::string(form.type)).second) << form.type << " twice";
            const NcnnMatch m = find_ncnn_type(form.type);
            EXPECT_EQ(m.def, def) << form.type;
            EXPECT_EQ(m.form, &form) << form.type;
        }
    for (const char* name : {"Convolution", "ConvolutionDepthWise", "Deconvolution", "ReLU",
                             "HardSwish", "Interp", "Crop", "Split", "Input"})
        EXPECT_NE(find_ncnn_type(name).def, nullptr) << name;
    EXPECT_EQ(find_ncnn_type("Swish").def, nullptr);
    EXPECT_EQ(find_ncnn_type("convolution").def, nullptr);  // ncnn names are case-sensitive
}

// An Input and `line` (line 4 of the file), parsed only (no weights).
Result<ParsedParam> parse_line(const std::string& line) {
    return parse_ncnn_param("7767517\n2 2\nInput in 0 1 data\n" + line + "\n", "r.param");
}

Error parse_error(const std::string& line) {
    auto p = parse_line(line);
    EXPECT_FALSE(p.ok()) << line;
    return p.ok() ? Error{} : std::move(p).error();
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

TEST(LayerRegistry, DefaultsComeFromEarlierKeys) {
    auto p = parse_line("Convolution c 1 1 data out 0=4 1=3 3=2 4=1 14=2 6=108");
    ASSERT_TRUE(p) << p.error().message;
    const auto& c = *p->graph.layers[1].get<ConvolutionParams>();
    EXPECT_EQ(c.kernel_h, 3);   // 11 defaults to 1
    EXPECT_EQ(c.stride_h, 2);   // 13 defaults to 3
    EXPECT_EQ(c.pad_right, 1);  // 15 defaults to 4
    EXPECT_EQ(c.pad_top, 2);
    EXPECT_EQ(c.pad_bottom, 2);  // 16 defaults to 14
    EXPECT_EQ(c.dilation_w, 1);
    EXPECT_EQ(c.num_input, 3);  // 108 / (4 * 3 * 3)
    EXPECT_EQ(c.group, 1);
    ASSERT_EQ(p->weights[1].size(), 1u);  // no bias_term: weights only
    EXPECT_EQ(p->weights[1][0].count, 108u);
}

TEST(LayerRegistry, RangeErrorsNameTheParameterLayerAndLine) {
    const Error e = parse_error("Convolution conv7 1 1 data out 0=4 1=0 6=4");
    EXPECT_EQ(e.code, Errc::corrupt_data);
    EXPECT_TRUE(contains(e.message, "r.param:4")) << e.message;
    EXPECT_TRUE(contains(e.message, "'conv7'")) << e.message;
    EXPECT_TRUE(contains(e.message, "kernel_w = 0 is out of range [1, 255]")) << e.message;
    EXPECT_TRUE(contains(parse_error("Pooling p 1 1 data out 0=2 1=2").message,
                         "pooling_type = 2 is out of range [0, 1]"));
    EXPECT_TRUE(contains(parse_error("Interp i 1 1 data out 0=1 1=0.0").message,
                         "scale 0 is out of range (0, 64]"));
}

TEST(LayerRegistry, UnimplementedKeysAreRefusedNotIgnored) {
    Error e = parse_error("Convolution c 1 1 data out 0=4 1=1 6=12 8=1");
    EXPECT_EQ(e.code, Errc::unsupported);
    EXPECT_TRUE(contains(e.message, "int8 quantised convolution (key 8)")) << e.message;
    e = parse_error("Convolution c 1 1 data out 0=4 1=1 6=12 23=1");
    EXPECT_EQ(e.code, Errc::unsupported);
    EXPECT_TRUE(contains(e.message, "unsupported parameter key 23")) << e.message;
    EXPECT_TRUE(contains(parse_error("Pooling p 1 1 data out 7=1").message, "adaptive pooling"));
    // An absent or zero key of that kind is fine.
    EXPECT_TRUE(parse_line("Convolution c 1 1 data out 0=4 1=1 6=12 8=0"));
}

TEST(LayerRegistry, MarkersOutsideARangeAndChecksThatDependOnOtherKeys) {
    // -233 asks a Convolution for SAME padding, outside pad_left's range...
    auto p = parse_line("Convolution c 1 1 data out 0=4 1=3 4=-233 6=108");
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->graph.layers[1].get<ConvolutionParams>()->pad_mode, PadMode::same_upper);
    // ...but not a Deconvolution.
    EXPECT_TRUE(contains(parse_error("Deconvolution d 1 1 data out 0=4 1=3 4=-233 6=108").message,
                         "pad_left = -233 is out of range"));
    // Crop sizes take -233 ("to the end").
    EXPECT_TRUE(parse_line("Crop c 1 1 data out 0=1 3=-233"));
    EXPECT_TRUE(contains(parse_error("Crop c 1 1 data out 0=1 3=-2").message, "crop size"));
    // Global pooling ignores the window; windowed pooling checks it.
    EXPECT_TRUE(parse_line("Pooling p 1 1 data out 0=1 4=1"));
    EXPECT_TRUE(contains(parse_error("Pooling p 1 1 data out 0=1").message,
                         "kernel_w = 0 is out of range"));
    // BinaryOp's input count depends on with_scalar.
    EXPECT_TRUE(parse_line("BinaryOp b 1 1 data out 0=2 1=1 2=0.5"));
    EXPECT_TRUE(contains(parse_error("BinaryOp b 1 1 data out 0=2").message, "has 1 inputs"));
}

TEST(LayerRegistry, StandAloneActivationsTakeTheirTypeFromTheName) {
    struct Case {
        const char* line;
        ActivationType type;
        float alpha, beta;
    };
    const Case cases[] = {
        {"ReLU r 1 1 data out 0=0.1", ActivationType::relu, 0.1f, 0.f},
        {"Sigmoid s 1 1 data out", ActivationType::sigmoid, 0.f, 0.f},
        {"Clip c 1 1 data out 0=-1 1=2", ActivationType::clip, -1.f, 2.f},
        {"HardSwish h 1 1 data out", ActivationType::hard_swish, 0.2f, 0.5f},
    };
    for (const Case& c : cases) {
        auto p = parse_line(c.line);
        ASSERT_TRUE(p) << c.line << ": " << p.error().message;
        const auto& a = *p->graph.layers[1].get<ActivationParams>();
        EXPECT_EQ(a.type, c.type) << c.line;
        EXPECT_FLOAT_EQ(a.alpha, c.alpha) << c.line;
        EXPECT_FLOAT_EQ(a.beta, c.beta) << c.line;
    }
    EXPECT_TRUE(
        contains(parse_error("Sigmoid s 1 1 data out 0=1").message, "unsupported parameter key 0"));
}

}  // namespace
}  // namespace kizuna::nn::test
