// The Vulkan NN backend in fp16 precision (fp16 weights and activations, fp32 arithmetic) against
// the reference backend, on whatever Vulkan device has 16-bit storage buffers (lavapipe here):
// every layer type the shaders implement (each run twice: the same bytes), a catalogue model
// through a Session at a tiny size (and its rerun), the injected-fault mutation checks, the
// tiler's stopped runs, sums and overrides, the precision choice and what it does to
// device_bytes(). Skips when no Vulkan device has 16-bit
// storage buffers.
//
// Tolerances, as |vulkan - reference| <= tol * max(1, max |reference|):
//  - one layer, kLayerTol = 4e-3. fp16 keeps 11 significant bits, so storing rounds each input,
//    weight, bias and output by at most u = 2^-11 (4.9e-4) relative. The convolutions multiply
//    and accumulate in fp32, so a K-term sum is off by at most about 2u * sum |a w| + u |y|;
//    with these tests' weights (uniform in +-1/sqrt(K)) and inputs in [-1.5, 1.5] the rounding
//    errors are of random sign, and the worst seen on lavapipe was 1.1e-3 of max(1, |y|) (about
//    2 u). 4e-3 is 8 u: room for that and no more (an injected fault is off by 0.1 or more).
//  - a whole model, kModelTol = 5e-3 (1.3 levels of 8-bit output) on outputs in [0, 1]: each of
//    a model's 10-20 layers rounds its output again and the next layer sums those errors. The
//    worst seen on lavapipe was 1.3e-3 (animevideov3; 0.9e-3 for Real-CUGAN up2x).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "gpu/instance.hpp"
#include "kizuna/models.hpp"
#include "kizuna/nn_session.hpp"
#include "nn/backend.hpp"
#include "nn/vulkan/vk_backend.hpp"
#include "xnn_test_util.hpp"

namespace kizuna::nn::test {
namespace {

constexpr float kLayerTol = 4e-3f;
constexpr float kModelTol = 5e-3f;

// Empty when some Vulkan device has 16-bit storage buffers; else why not (the reason to skip).
std::string no_fp16_device() {
    auto instance = gpu::Instance::create();
    if (!instance) return "no Vulkan loader or instance: " + instance.error().message;
    auto devices = gpu::enumerate_devices(*instance);
    if (!devices) return "no Vulkan device: " + devices.error().message;
    for (const gpu::PhysicalDeviceCaps& d : *devices)
        if (d.usable && d.info.fp16_storage) return {};
    return "no Vulkan device with 16-bit storage buffers";
}

// One backend per (precision, fault) for the whole program: creating a device and compiling
// pipelines is the slow part on lavapipe. nullptr with *error set on failure.
VulkanBackend* backend(NnPrecision precision, vk::Fault fault, std::string* error) {
    static std::vector<std::pair<std::pair<NnPrecision, vk::Fault>, std::unique_ptr<VulkanBackend>>>
        made;
    for (auto& [key, b] : made)
        if (key.first == precision && key.second == fault) return b.get();
    VulkanBackendOptions o;
    o.precision = precision;
    o.fault = fault;
    auto b = VulkanBackend::create(o);
    if (!b) {
        *error = b.error().message;
        return nullptr;
    }
    made.emplace_back(std::make_pair(precision, fault), std::move(*b));
    return made.back().second.get();
}

#define KZ_FP16_BACKEND_OR_SKIP(var, fault)                                                     \
    VulkanBackend* var = nullptr;                                                               \
    do {                                                                                        \
        const std::string kz_why_ = no_fp16_device();                                           \
        if (!kz_why_.empty()) GTEST_SKIP() << kz_why_;                                          \
        std::string kz_err_;                                                                    \
        var = backend(NnPrecision::fp16, fault, &kz_err_);                                      \
        ASSERT_NE(var, nullptr) << "a device with 16-bit storage exists, yet the fp16 backend " \
                                   "could not be created: "                                     \
                                << kz_err_;                                                     \
        ASSERT_EQ(var->precision(), NnPrecision::fp16);                                         \
    } while (0)

::testing::AssertionResult against_reference(VulkanBackend& vk, const Graph& g, const Tensor& in,
                                             float tol, const std::string& label) {
    vk.forget_graph();  // the graphs of these tests may share an address and a fingerprint
    Tensor got, again, want;
    for (Tensor* t : {&got, &again})
        if (auto r = vk.run(g, in.view(), *t); !r)
            return ::testing::AssertionFailure() << label << ": " << r.error().message;
    if (fnv1a(got) != fnv1a(again))
        return ::testing::AssertionFailure() << label << ": two fp16 runs give different bytes";
    auto ref = make_reference_backend(1);
    if (auto r = ref->run(g, in.view(), want); !r)
        return ::testing::AssertionFailure() << label << ": " << r.error().message;
    return close_enough(got, want, tol, label + " (fp16)");
}

void check_layer(const Graph& g, int c, int h, int w, const std::string& what, uint32_t seed) {
    KZ_FP16_BACKEND_OR_SKIP(vk, vk::Fault::none);
    std::mt19937 rng(case_seed(seed));
    for (Fill fill : kAllFills) {
        const Tensor in = make_input(c, h, w, fill, rng);
        EXPECT_TRUE(against_reference(*vk, g, in, kLayerTol,
                                      what + " " + std::to_string(c) + "x" + std::to_string(h) +
                                          "x" + std::to_string(w) + " " + fill_name(fill) +
                                          seed_note(case_seed(seed))));
    }
}

// A k x k convolution with the same stride and padding on both axes.
ConvolutionParams conv(int ci, int co, int k, int stride, int pad, int group = 1) {
    return {.num_output = co,
            .num_input = ci,
            .kernel_w = k,
            .kernel_h = k,
            .stride_w = stride,
            .stride_h = stride,
            .pad_left = pad,
            .pad_right = pad,
            .pad_top = pad,
            .pad_bottom = pad,
            .group = group,
            .activation = {}};
}

// Convolutions (the small-output kernel), a fused PReLU, a non-piecewise activation, groups and
// a deconvolution. The 2048-pixel kernels (nn_conv.comp, nn_conv_n32.comp) are the same body
// (nn_conv_body.glsl, whose fp16 loads and stores are the ones checked here) with larger blocks;
// compiling them takes lavapipe 5-10 s each without a warm shader cache, too long for CI, so they
// are checked against the reference in fp32 only (vulkan_layers_test.cpp).
TEST(VkNnFp16, ConvolutionKernelsAndDeconvolution) {
    std::mt19937 rng(case_seed(1100));
    struct Case {
        ConvolutionParams p;
        ActivationType act;
        int h, w;
    };
    const Case cases[] = {
        {conv(13, 19, 3, 1, 1), ActivationType::leaky_relu, 9, 11},
        {conv(12, 18, 3, 2, 1, 3), ActivationType::sigmoid, 11, 10},
    };
    uint32_t seed = 1100;
    for (const Case& c : cases) {
        ConvolutionParams p = c.p;
        p.activation = {c.act, 0.1f, 0.f};
        GraphBuilder b;
        const Graph g = b.finish(b.add(conv_layer(LayerType::convolution, p, rng), {0}));
        check_layer(g, p.num_input, c.h, c.w,
                    "conv " + std::to_string(p.num_input) + "->" + std::to_string(p.num_output) +
                        " s " + std::to_string(p.stride_h) + " g " + std::to_string(p.group),
                    seed++);
    }
    GraphBuilder pb;
    const int c1 = pb.add(conv_layer(LayerType::convolution, conv(4, 11, 3, 1, 1), rng), {0});
    Layer pr = layer_of(LayerType::prelu, PReluParams{11});
    pr.weights = random_values(11, rng, -0.5f, 0.5f);
    check_layer(pb.finish(pb.add(pr, {c1})), 4, 9, 12, "conv + fused prelu", 1110);

    ConvolutionParams dp = conv(13, 3, 4, 2, 3);
    GraphBuilder db;
    check_layer(db.finish(db.add(conv_layer(LayerType::deconvolution, dp, rng), {0})), 13, 11, 6,
                "deconv 13->3 k4 s2", 1111);
}

// PReLU, activation, pixel shuffle, interp, binary op with broadcast, eltwise, concat, crop,
// pooling, inner product and scale: each a one-layer graph (or a small block).
TEST(VkNnFp16, ElementwiseAndDataMovementLayers) {
    std::mt19937 rng(case_seed(1200));
    uint32_t seed = 1200;
    auto one = [&](Layer l, int c, int h, int w, const std::string& what) {
        GraphBuilder b;
        check_layer(b.finish(b.add(std::move(l), {0})), c, h, w, what, seed++);
    };
    Layer prelu = layer_of(LayerType::prelu, PReluParams{5});
    prelu.weights = random_values(5, rng, -0.5f, 0.5f);
    one(prelu, 5, 7, 9, "prelu");
    one(layer_of(LayerType::activation, ActivationParams{ActivationType::mish, 0.f, 0.f}), 3, 7, 9,
        "mish");
    for (int mode : {0, 1})
        one(layer_of(LayerType::pixel_shuffle, PixelShuffleParams{2, mode}), 12, 5, 7,
            "pixel shuffle mode " + std::to_string(mode));
    for (InterpMode m : {InterpMode::nearest, InterpMode::bilinear, InterpMode::bicubic}) {
        InterpParams ip;
        ip.mode = m;
        ip.height_scale = ip.width_scale = 2.f;
        one(layer_of(LayerType::interp, ip), 3, 9, 7,
            "interp mode " + std::to_string(static_cast<int>(m)));
    }
    one(layer_of(LayerType::crop, CropParams{.woffset = 2,
                                             .hoffset = 1,
                                             .coffset = 1,
                                             .outw = 5,
                                             .outh = 4,
                                             .outc = 3,
                                             .starts = {},
                                             .ends = {},
                                             .axes = {}}),
        5, 9, 8, "crop");
    PoolingParams pool;
    pool.type = PoolingType::average;
    pool.kernel_h = pool.kernel_w = 3;
    pool.stride_h = pool.stride_w = 2;
    pool.pad_left = pool.pad_right = pool.pad_top = pool.pad_bottom = 1;
    one(layer_of(LayerType::pooling, pool), 4, 11, 9, "average pooling 3x3 s2");
    {
        ScaleParams sp;
        sp.scale_data_size = 4;
        Layer scale = layer_of(LayerType::scale, sp);
        scale.weights = random_values(4, rng, -1.f, 1.f);
        scale.bias = random_values(4, rng, -1.f, 1.f);
        one(scale, 4, 6, 5, "scale with bias");
    }
    {
        InnerProductParams p;
        p.num_input = 4 * 3 * 5;
        p.num_output = 7;
        p.activation.type = ActivationType::relu;
        Layer ip = layer_of(LayerType::inner_product, p);
        ip.weights = random_values(4 * 3 * 5 * 7, rng, -0.3f, 0.3f);
        ip.bias = random_values(7, rng, -0.5f, 0.5f);
        one(ip, 4, 3, 5, "inner product");
    }
    // Squeeze-excitation (global pooling, broadcast multiply) and a 3-input eltwise sum with
    // coefficients and a concat, on a split input.
    for (int kind = 0; kind < 3; ++kind) {
        GraphBuilder b;
        const int s0 = b.add(layer_of(LayerType::split), {0}, 3);
        const int c1 =
            b.add(conv_layer(LayerType::convolution, conv(6, 6, 3, 1, 1), rng), {s0 + 1});
        int out = 0;
        std::string what;
        if (kind == 0) {
            const int gap = b.add(global_pooling(PoolingType::average), {c1});
            BinaryOpParams bp;
            bp.op = BinaryOpType::mul;
            out = b.add(layer_of(LayerType::binary_op, bp), {s0 + 2, gap});
            what = "global pooling, broadcast multiply";
        } else if (kind == 1) {
            EltwiseParams ep;
            ep.op = EltwiseOp::sum;
            ep.coefficients = {0.2f, 1.f, -0.5f};
            out = b.add(layer_of(LayerType::eltwise, ep), {s0, c1, s0 + 2});
            what = "eltwise sum with coefficients";
        } else {
            out = b.add(layer_of(LayerType::concat, ConcatParams{0}), {s0, c1, s0 + 2});
            what = "concat";
        }
        check_layer(b.finish(out), 6, 11, 9, what, seed++);
    }
}

// A picture-like input in [0, 1] (smooth gradients, a hard-edged block, fine texture).
Tensor picture(int h, int w) {
    Tensor t = std::move(*Tensor::create(3, h, w));
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                float v = 0.5f + 0.4f * std::sin(0.3f * (x + 2 * y) + c) +
                          0.05f * std::sin(1.7f * x * y + c);
                if ((x / 7 + y / 5) % 3 == 0) v = 0.1f + 0.2f * c;
                t.view().row(c, y)[x] = std::fmin(1.f, std::fmax(0.f, v));
            }
    return t;
}

// A session on the model's raw graph (the input must be a size it takes).
Result<Session> raw_session(const Model& model, NnBackendKind kind, NnPrecision precision) {
    SessionOptions so;
    so.backend = kind;
    so.precision = precision;
    so.threads = 2;
    so.exact_size = false;
    return Session::create(model, so);
}

Result<Tensor> session_run(Session& s, const Tensor& in) {
    auto shape = s.output_shape(in.height(), in.width());
    KZ_TRY(shape);
    auto out = Tensor::create(shape->channels, shape->height, shape->width);
    KZ_TRY(out);
    KZ_TRY(s.run(in.view(), out->view()));
    return std::move(*out);
}

// The smallest size at least n that the model takes raw.
int raw_size(const ModelInfo& mi, int n) {
    const int step = std::max(1, mi.input_multiple);
    return mi.min_input_size + std::max(0, n - mi.min_input_size + step - 1) / step * step;
}

// realesr-animevideov3-x2 (fused PReLUs, pixel shuffle) on its raw graph at a tiny size through
// a Session in fp16, against the reference; two runs on the session give the same bytes. (Real-
// CUGAN's layers, global pooling and deconvolution included, are checked one by one above: the
// model itself took 3 more seconds on lavapipe, too many for CI.)
TEST(VkNnFp16, ModelThroughSessionMatchesAndRerunsByteIdentical) {
    const std::string why = no_fp16_device();
    if (!why.empty()) GTEST_SKIP() << why;
    for (const char* id : {"realesr-animevideov3-x2"}) {
        auto model = Model::load(id);
        if (!model) GTEST_SKIP() << model.error().message;
        const Tensor in = picture(raw_size(model->info(), 6), raw_size(model->info(), 8));
        const int h = in.height(), w = in.width();
        auto s = raw_session(*model, NnBackendKind::vulkan, NnPrecision::fp16);
        ASSERT_TRUE(s) << id << ": " << s.error().message;
        auto got = session_run(*s, in);
        ASSERT_TRUE(got) << id << ": " << got.error().message;
        auto ref = raw_session(*model, NnBackendKind::reference, NnPrecision::fp32);
        ASSERT_TRUE(ref) << ref.error().message;
        auto want = session_run(*ref, in);
        ASSERT_TRUE(want) << id << ": " << want.error().message;
        const std::string what =
            std::string(id) + " " + std::to_string(w) + "x" + std::to_string(h);
        EXPECT_TRUE(close_enough(*got, *want, kModelTol, what + " fp16"));
        auto again = session_run(*s, in);
        ASSERT_TRUE(again) << again.error().message;
        EXPECT_EQ(fnv1a(*got), fnv1a(*again)) << what << ": two fp16 runs differ";
    }
}

// Each fault injected into the fp16 shaders makes the comparison fail, on graphs that the
// fault-free fp16 backend passes.
TEST(VkNnFp16, InjectedFaultsAreCaught) {
    KZ_FP16_BACKEND_OR_SKIP(good, vk::Fault::none);
    std::mt19937 rng(case_seed(1300));
    GraphBuilder cb;
    const Graph conv_graph =
        cb.finish(cb.add(conv_layer(LayerType::convolution, conv(6, 9, 3, 1, 1), rng, true), {0}));
    GraphBuilder sb;
    const Graph shuffle_graph =
        sb.finish(sb.add(layer_of(LayerType::pixel_shuffle, PixelShuffleParams{2, 0}), {0}));
    const Tensor conv_in = make_input(6, 11, 13, Fill::random, rng);
    const Tensor shuffle_in = make_input(12, 5, 7, Fill::random, rng);
    const std::pair<vk::Fault, const char*> faults[] = {
        {vk::Fault::conv_drop_bias, "dropped bias"},
        {vk::Fault::conv_transposed_kernel, "transposed kernel index"},
        {vk::Fault::shuffle_swapped, "swapped shuffle order"}};
    for (const auto& [fault, what] : faults) {
        const bool shuffle = fault == vk::Fault::shuffle_swapped;
        const Graph& g = shuffle ? shuffle_graph : conv_graph;
        const Tensor& in = shuffle ? shuffle_in : conv_in;
        EXPECT_TRUE(against_reference(*good, g, in, kLayerTol, what));
        std::string err;
        VulkanBackend* bad = backend(NnPrecision::fp16, fault, &err);
        ASSERT_NE(bad, nullptr) << err;
        EXPECT_FALSE(against_reference(*bad, g, in, kLayerTol, what))
            << what << ": the injected fault went unnoticed in fp16";
    }
}

// The tiler's statistics pass in fp16: a conv -> global pooling -> multiply graph stopped
// before the pooling, its input's sums read back (fp16 values widened), then run whole with the
// pooled means supplied (rounded to fp16 on the way up), each against the reference.
TEST(VkNnFp16, StoppedRunSumsAndOverrides) {
    KZ_FP16_BACKEND_OR_SKIP(vk, vk::Fault::none);
    std::mt19937 rng(case_seed(1350));
    GraphBuilder b;
    const int s0 = b.add(layer_of(LayerType::split), {0}, 2);
    const int feat = b.add(conv_layer(LayerType::convolution, conv(4, 5, 3, 1, 1), rng), {s0});
    const int pool_layer = 3;
    const int gap = b.add(global_pooling(PoolingType::average), {feat});
    const int side = b.add(conv_layer(LayerType::convolution, conv(4, 5, 1, 1, 0), rng), {s0 + 1});
    BinaryOpParams mul;
    mul.op = BinaryOpType::mul;
    const Graph g = b.finish(b.add(layer_of(LayerType::binary_op, mul), {side, gap}));
    const Tensor in = make_input(4, 7, 9, Fill::random, rng);
    vk->forget_graph();
    auto ref = make_reference_backend(1);
    Backend* both[] = {vk, ref.get()};
    std::vector<double> sums[2] = {std::vector<double>(5, 0.0), std::vector<double>(5, 0.0)};
    for (int k = 0; k < 2; ++k) {
        Tensor scratch = std::move(*Tensor::create(5, 7, 9));
        RunControl stop;
        stop.stop_before = pool_layer;
        ASSERT_TRUE(both[k]->run(g, in.view(), scratch.view(), stop)) << both[k]->name();
        ASSERT_TRUE(both[k]->sum_blob(feat, 1, 6, 2, 8, sums[k])) << both[k]->name();
    }
    // 30 values of up to ~2 each, each off by up to kLayerTol of max(1, |y|).
    for (size_t c = 0; c < 5; ++c)
        EXPECT_NEAR(sums[0][c], sums[1][c], 30 * kLayerTol * 2) << "channel " << c;

    const std::vector<float> means = {0.5f, -1.f, 2.f, 0.f, 0.25f};
    const RunControl::Override o{pool_layer, means.data()};
    RunControl with;
    with.overrides = std::span(&o, 1);
    Tensor outs[2] = {std::move(*Tensor::create(5, 7, 9)), std::move(*Tensor::create(5, 7, 9))};
    for (int k = 0; k < 2; ++k)
        ASSERT_TRUE(both[k]->run(g, in.view(), outs[k].view(), with)) << both[k]->name();
    EXPECT_TRUE(close_enough(outs[0], outs[1], kLayerTol, "fp16 run with the pooled means given"));
}

// automatic picks fp16 on a device with 16-bit storage, fp32 stays fp32, and device_bytes()
// (what the tiler fits tiles by) counts fp16 weights and activations at half the bytes.
TEST(VkNnFp16, PrecisionChoiceAndDeviceBytes) {
    KZ_FP16_BACKEND_OR_SKIP(f16, vk::Fault::none);
    std::string err;
    VulkanBackend* f32 = backend(NnPrecision::fp32, vk::Fault::none, &err);
    ASSERT_NE(f32, nullptr) << err;
    EXPECT_EQ(f32->precision(), NnPrecision::fp32);
    VulkanBackend* automatic = backend(NnPrecision::automatic, vk::Fault::none, &err);
    ASSERT_NE(automatic, nullptr) << err;
    if (automatic->device_name() == f16->device_name()) {
        EXPECT_EQ(automatic->precision(), NnPrecision::fp16) << automatic->device_name();
    }

    std::mt19937 rng(case_seed(1400));
    GraphBuilder b;
    const int c1 = b.add(conv_layer(LayerType::convolution, conv(3, 16, 3, 1, 1), rng), {0});
    const Graph g =
        b.finish(b.add(layer_of(LayerType::pixel_shuffle, PixelShuffleParams{2, 0}), {c1}));
    auto half = f16->device_bytes(g, 3, 64, 48);
    auto full = f32->device_bytes(g, 3, 64, 48);
    ASSERT_TRUE(half && full);
    EXPECT_EQ(*half * 2, *full) << "fp16 device bytes " << *half << ", fp32 " << *full;
}

}  // namespace
}  // namespace kizuna::nn::test
