// Every installed model parses, has consistent figures, and runs through the reference backend
// on a tiny input with the output size the catalogue promises. Skipped when the models are not
// installed (scripts/fetch-models.sh).
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "kizuna/models.hpp"
#include "nn_test_util.hpp"

namespace kizuna {
namespace {

TEST(ShippedModels, CatalogueHas29DistinctIds) {
    const auto models = list_models();
    ASSERT_EQ(models.size(), 29u);
    for (size_t i = 0; i < models.size(); ++i)
        for (size_t j = i + 1; j < models.size(); ++j) {
            EXPECT_NE(models[i].id, models[j].id);
            EXPECT_NE(models[i].param, models[j].param);
        }
}

TEST(ShippedModels, UnknownIdSuggestsCloseOnes) {
    auto r = resolve_model("realcugan-up2x-conservativ");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::not_found);
    EXPECT_NE(r.error().message.find("realcugan-up2x-conservative"), std::string::npos)
        << r.error().message;
}

// The padding each model needs, derived from its graph, equals the pre-padding constants that
// the ncnn-vulkan tools hard-code for the same models (realcugan-ncnn-vulkan 18/14/19,
// waifu2x-ncnn-vulkan 28 / 18 / 7); Real-ESRGAN needs none.
TEST(ShippedModels, DerivedPaddingMatchesThePeerTools) {
    const struct {
        const char* id;
        int padding, multiple, scale;
    } expected[] = {
        {"realesr-animevideov3-x3", 0, 1, 3},      {"realesrgan-x4plus-anime", 0, 1, 4},
        {"realcugan-up2x-conservative", 18, 2, 2}, {"realcugan-up3x-no-denoise", 14, 4, 3},
        {"realcugan-up4x-denoise3x", 19, 2, 4},    {"waifu2x-cunet-noise2", 28, 4, 1},
        {"waifu2x-cunet-noise0-x2", 18, 2, 2},     {"waifu2x-upconv7-noise1-x2", 7, 1, 2},
    };
    for (const auto& e : expected) {
        auto info = inspect_model(e.id);
        if (!info.ok() && info.error().code == Errc::not_found)
            GTEST_SKIP() << info.error().message;
        ASSERT_TRUE(info.ok()) << info.error().message;
        EXPECT_EQ(info->input_padding, e.padding) << e.id;
        EXPECT_EQ(info->input_multiple, e.multiple) << e.id;
        EXPECT_EQ(info->scale, e.scale) << e.id;
        EXPECT_EQ(info->adds_nearest_input, std::string(e.id).starts_with("realcugan-up4x"));
        EXPECT_EQ(info->global_context, std::string(e.id).starts_with("realcugan") ||
                                            std::string(e.id).find("cunet") != std::string::npos)
            << e.id;
    }
}

// Debug and sanitizer builds run the plain loops 10-50x slower: there, one model of each
// architecture (and the up4x residual quirk) stands for the rest.
#if !defined(NDEBUG) || defined(__SANITIZE_ADDRESS__)
constexpr bool kReducedSet = true;
#else
constexpr bool kReducedSet = false;
#endif

bool in_reduced_set(const std::string& id) {
    for (const char* r :
         {"realesr-animevideov3-x3", "realcugan-up2x-no-denoise", "realcugan-up4x-no-denoise",
          "waifu2x-cunet-noise1", "waifu2x-cunet-x2", "waifu2x-upconv7-x2"})
        if (id == r) return true;
    return false;
}

class EachModel : public ::testing::TestWithParam<int> {};

TEST_P(EachModel, ParsesAndRunsOnTinyInput) {
    const ModelEntry entry = list_models()[GetParam()];
    if (!entry.found) GTEST_SKIP() << entry.id << " not installed in " << models_directory();
    if (kReducedSet && !in_reduced_set(entry.id))
        GTEST_SKIP() << "Debug/sanitizer build: one model per architecture";
    auto model = Model::load(entry.id);
    ASSERT_TRUE(model.ok()) << model.error().message;
    const ModelInfo& info = model->info();
    EXPECT_EQ(info.scale, entry.scale) << entry.id;
    EXPECT_EQ(info.input_channels, 3);
    EXPECT_EQ(info.output_channels, 3);
    EXPECT_GT(info.parameter_count, 1000u);
    EXPECT_GT(info.mflop_per_pixel, 0.01);
    EXPECT_GT(info.receptive_radius, 1);
    EXPECT_GE(info.input_multiple, 1);

    // A smooth gradient plus mild noise in [0.25, 0.9], 12x10 (smaller than most models need).
    const int h = 12, w = 10;
    auto input = Tensor::create(3, h, w);
    ASSERT_TRUE(input.ok());
    std::mt19937 rng(GetParam());
    std::uniform_real_distribution<float> noise(-0.05f, 0.05f);
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                input->view().row(c, y)[x] =
                    std::clamp(0.3f + 0.02f * x + 0.015f * y + 0.1f * c + noise(rng), 0.f, 1.f);
    RunOptions opt;
    opt.threads = 2;
    auto out = run_model(*model, input->view(), opt);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(out->channels(), 3);
    EXPECT_EQ(out->height(), h * entry.scale);
    EXPECT_EQ(out->width(), w * entry.scale);
    // Finite and plausible: these models reproduce the picture, so values stay near [0, 1]
    // and the mean stays near the input mean.
    double sum_in = 0, sum_out = 0;
    for (size_t i = 0; i < input->size(); ++i) sum_in += input->data()[i];
    for (size_t i = 0; i < out->size(); ++i) {
        const float v = out->data()[i];
        ASSERT_TRUE(std::isfinite(v)) << entry.id << " value " << i;
        ASSERT_GT(v, -0.5f) << entry.id;
        ASSERT_LT(v, 1.5f) << entry.id;
        sum_out += v;
    }
    EXPECT_NEAR(sum_out / out->size(), sum_in / input->size(), 0.1) << entry.id;
}

INSTANTIATE_TEST_SUITE_P(All, EachModel, ::testing::Range(0, 29), [](const auto& info) {
    std::string id = list_models()[info.param].id;
    for (char& c : id)
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
    return id;
});

}  // namespace
}  // namespace kizuna
