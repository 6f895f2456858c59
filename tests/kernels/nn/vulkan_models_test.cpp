// Installed catalogue models through the Vulkan backend on small inputs, against the reference
// backend, through a Session: realesr-animevideov3-x2 at an exact size (the model's edge padding
// and crop), and Real-CUGAN up2x / up3x (global pooling, deconvolution, crop, eltwise),
// waifu2x upconv7 and cunet, realesrgan-x4plus-anime on small raw sizes (the catalogue models
// are too slow on a software device for more). The tiler with 32-pixel tiles on a small
// squeeze-excitation model written by the test: the statistics pass of global pooling
// (stop_before, sum_blob, overrides) and the seams, against the reference tiler and the untiled
// run. Tolerance: |vulkan - reference| <= 1e-4 * max(1, max |reference|). Also: two runs give
// byte-identical output, on one session and on a fresh one. Skips when no Vulkan device exists
// at all, or when the model files are not installed (scripts/fetch-models.sh).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kizuna/models.hpp"
#include "kizuna/nn_session.hpp"
#include "kizuna/nn_tiler.hpp"
#include "tiny_models.hpp"
#include "vk_test_util.hpp"
#include "xnn_test_util.hpp"

namespace kizuna::nn::test {
namespace {

constexpr float kTol = 1e-4f;

// A picture-like input: smooth gradients, a hard-edged block and fine texture, in [0, 1].
Tensor picture(int h, int w) {
    Tensor t = std::move(*Tensor::create(3, h, w));
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                float v = 0.5f + 0.4f * std::sin(0.3f * (x + 2 * y) + c);
                if ((x / 7 + y / 5) % 3 == 0) v = 0.1f + 0.2f * c;
                v += 0.05f * std::sin(1.7f * x * y + c);
                t.view().row(c, y)[x] = std::fmin(1.f, std::fmax(0.f, v));
            }
    return t;
}

// exact: the model's edge padding and crop (output = scale x input); else the raw graph on an
// accepted size.
Result<Tensor> run_session(const Model& m, NnBackendKind kind, const Tensor& in,
                           bool exact = true) {
    SessionOptions so;
    so.backend = kind;
    so.threads = 2;
    so.exact_size = exact;
    auto s = Session::create(m, so);
    KZ_TRY(s);
    auto shape = s->output_shape(in.height(), in.width());
    KZ_TRY(shape);
    auto out = Tensor::create(shape->channels, shape->height, shape->width);
    KZ_TRY(out);
    KZ_TRY(s->run(in.view(), out->view()));
    return std::move(*out);
}

Result<Tensor> run_tiler(const Model& m, NnBackendKind kind, const Tensor& in, int tile,
                         int overlap, TileReport* report) {
    SessionOptions so;
    so.backend = kind;
    so.threads = 2;
    TileSettings ts;
    ts.tile_size = tile;
    ts.overlap = overlap;
    ts.feather = 2;
    auto t = Tiler::create(m, so, ts);
    KZ_TRY(t);
    const ModelInfo& mi = t->info();
    auto out = Tensor::create(mi.output_channels, in.height() * mi.scale, in.width() * mi.scale);
    KZ_TRY(out);
    KZ_TRY(t->run(in.view(), out->view()));
    if (report != nullptr) *report = t->last_report();
    return std::move(*out);
}

#define KZ_SKIP_WITHOUT_VULKAN()                        \
    do {                                                \
        const std::string kz_why_ = no_vulkan_device(); \
        if (!kz_why_.empty()) GTEST_SKIP() << kz_why_;  \
    } while (0)

// The smallest size the model takes raw that is at least n.
int raw_size(const ModelInfo& mi, int n) {
    const int step = std::max(1, mi.input_multiple);
    return n <= mi.min_input_size
               ? mi.min_input_size
               : mi.min_input_size + (n - mi.min_input_size + step - 1) / step * step;
}

// exact: h x w through the model's padding and crop; else the raw graph on the accepted size at
// least h x w (cheaper: no border).
void check_session(const char* id, int h, int w, bool exact = true) {
    auto model = Model::load(id);
    if (!model) GTEST_SKIP() << model.error().message;
    if (!exact) {
        h = raw_size(model->info(), h);
        w = raw_size(model->info(), w);
    }
    const Tensor in = picture(h, w);
    auto got = run_session(*model, NnBackendKind::vulkan, in, exact);
    ASSERT_TRUE(got) << id << ": " << got.error().message;
    auto want = run_session(*model, NnBackendKind::reference, in, exact);
    ASSERT_TRUE(want) << id << ": " << want.error().message;
    EXPECT_TRUE(close_enough(*got, *want, kTol,
                             std::string(id) + " " + std::to_string(w) + "x" + std::to_string(h)));
}

TEST(VkNnModels, AnimeVideoV3X2Session) {
    KZ_SKIP_WITHOUT_VULKAN();
    check_session("realesr-animevideov3-x2", 20, 24);
}

TEST(VkNnModels, RealCuganUp2xRaw) {
    KZ_SKIP_WITHOUT_VULKAN();
    check_session("realcugan-up2x-no-denoise", 20, 24, false);
}

TEST(VkNnModels, RealCuganUp3xRaw) {
    KZ_SKIP_WITHOUT_VULKAN();
    check_session("realcugan-up3x-conservative", 8, 8, false);
}

TEST(VkNnModels, WaifuUpconv7AndCunetRaw) {
    KZ_SKIP_WITHOUT_VULKAN();
    check_session("waifu2x-upconv7-x2", 20, 24, false);
    check_session("waifu2x-cunet-x2", 20, 24, false);
}

TEST(VkNnModels, RealEsrganX4PlusAnimeRaw) {
    KZ_SKIP_WITHOUT_VULKAN();
    check_session("realesrgan-x4plus-anime", 10, 12, false);
}

// A small model with a squeeze-excitation block (the global-pooling path of Real-CUGAN and
// cunet), written under the test's temp folder once: conv 3 -> 8 (ReLU), global average pool,
// inner product + sigmoid, per-channel multiply, conv 8 -> 12, pixel shuffle x2. Its receptive
// field is small, so it tiles at small sizes where the catalogue models would be too slow on a
// software device. Returns the .param path.
std::string tiny_se_model() {
    static const std::string path =
        tiny_up2_model("kizuna_vulkan_models_test", "tiny_se_up2", 990, true);
    return path;
}

// Tiled runs: the Vulkan tiler's output equals the untiled Vulkan tiler's (the whole extended
// frame at once): no seams, and the whole-frame statistics of global pooling shared; with
// `against_reference`, it also equals the reference tiler's with the same tiles.
void check_tiled(const std::string& id, int h, int w, int tile, int overlap,
                 bool against_reference) {
    auto model = Model::load(id);
    if (!model) GTEST_SKIP() << model.error().message;
    const Tensor in = picture(h, w);
    TileReport rep;
    auto got = run_tiler(*model, NnBackendKind::vulkan, in, tile, overlap, &rep);
    ASSERT_TRUE(got) << id << ": " << got.error().message;
    ASSERT_TRUE(rep.tiled()) << id << ": " << rep.tiles_x << "x" << rep.tiles_y << " tiles";
    const std::string what = id + " " + std::to_string(w) + "x" + std::to_string(h) + " in " +
                             std::to_string(rep.tiles_x) + "x" + std::to_string(rep.tiles_y) +
                             " tiles of " + std::to_string(rep.tile_width) + "x" +
                             std::to_string(rep.tile_height) + ", " + std::to_string(rep.passes) +
                             " passes";
    if (model->info().global_context) {
        EXPECT_GT(rep.passes, 1) << what << ": no statistics pass";
    }
    if (against_reference) {
        auto want = run_tiler(*model, NnBackendKind::reference, in, tile, overlap, nullptr);
        ASSERT_TRUE(want) << id << ": " << want.error().message;
        EXPECT_TRUE(close_enough(*got, *want, kTol, what + ", against the reference tiler"));
    }
    TileReport whole_rep;
    auto whole = run_tiler(*model, NnBackendKind::vulkan, in, 0, overlap, &whole_rep);
    ASSERT_TRUE(whole) << id << ": " << whole.error().message;
    ASSERT_FALSE(whole_rep.tiled()) << what;
    EXPECT_TRUE(close_enough(*got, *whole, kTol, what + ", against the untiled run"));
}

TEST(VkNnModels, TiledSqueezeExcitationSharesStatisticsWithoutSeams) {
    KZ_SKIP_WITHOUT_VULKAN();
    check_tiled(tiny_se_model(), 45, 70, 32, -1, true);
}

// Two runs on one session give the same bytes (Real-CUGAN: the fixed reduction tree of global
// pooling; animevideov3: the fused PReLU and the pixel shuffle), and so does a run on a fresh
// session (a new device and weight upload) for animevideov3.
TEST(VkNnModels, RunsAreByteIdentical) {
    KZ_SKIP_WITHOUT_VULKAN();
    for (const char* id : {"realesr-animevideov3-x2", "realcugan-up2x-no-denoise"}) {
        auto model = Model::load(id);
        if (!model) GTEST_SKIP() << model.error().message;
        const int h = raw_size(model->info(), 12), w = raw_size(model->info(), 16);
        const Tensor in = picture(h, w);
        SessionOptions so;
        so.backend = NnBackendKind::vulkan;
        so.exact_size = false;
        auto s = Session::create(*model, so);
        ASSERT_TRUE(s) << s.error().message;
        auto shape = s->output_shape(h, w);
        ASSERT_TRUE(shape);
        Tensor a = std::move(*Tensor::create(shape->channels, shape->height, shape->width));
        Tensor b = std::move(*Tensor::create(shape->channels, shape->height, shape->width));
        ASSERT_TRUE(s->run(in.view(), a.view()));
        ASSERT_TRUE(s->run(in.view(), b.view()));
        EXPECT_EQ(fnv1a(a), fnv1a(b)) << id << ": two runs on one session differ";
        if (std::string(id) != "realesr-animevideov3-x2") continue;  // one fresh device will do
        auto fresh = run_session(*model, NnBackendKind::vulkan, in, false);
        ASSERT_TRUE(fresh) << fresh.error().message;
        EXPECT_EQ(fnv1a(a), fnv1a(*fresh)) << id << ": a fresh session differs";
    }
}

}  // namespace
}  // namespace kizuna::nn::test
