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

class EachModel : public ::testing::TestWithParam<int> {};

TEST_P(EachModel, ParsesAndRunsOnTinyInput) {
    const ModelEntry entry = list_models()[GetParam()];
    if (!entry.found) GTEST_SKIP() << entry.id << " not installed in " << models_directory();
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

    // A smooth gradient plus noise, in [0, 1], 12x10 (odd-ish, below most tile sizes).
    const int h = 12, w = 10;
    auto input = Tensor::create(3, h, w);
    ASSERT_TRUE(input.ok());
    std::mt19937 rng(GetParam());
    std::uniform_real_distribution<float> noise(-0.05f, 0.05f);
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                input->view().row(c, y)[x] =
                    std::clamp(0.2f + 0.05f * x + 0.03f * y + 0.1f * c + noise(rng), 0.f, 1.f);
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
