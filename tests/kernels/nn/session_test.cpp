// kizuna::Session on a tiny model written by the test, whose output is known by construction:
// a 3x3 convolution whose only non-zero tap is the top-left one (weight 1, bias 0.25), then a
// x2 pixel shuffle whose 4 sub-pixels all take the same input channel. So the raw output is
// out(c, Y, X) = in(c, Y/2, X/2) + 0.25 (size 2n - 4), and an exact-size run, which pads the
// input by 1 pixel (replicated) and crops nothing, gives in(c, clamp(Y/2 - 1), clamp(X/2 - 1))
// + 0.25 at size 2n. Checked on both backends, at alternating sizes, for values, for shapes,
// and for zero allocations once a size has been run. Also on installed shipped models when
// present.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "kernel_check.hpp"
#include "kizuna/models.hpp"
#include "kizuna/nn_session.hpp"
#include "model_files.hpp"

namespace kizuna {
namespace {

constexpr float kBias = 0.25f;

// Writes the tiny model under the test's temp folder once; returns its .param path.
std::string tiny_model() {
    static const std::string path = [] {
        // Weights [12][3][3][3]: output channel o = 4c + 2i + j reads input channel c at the
        // top-left tap; then the 12 biases.
        std::vector<float> w(324, 0.f);
        for (int o = 0; o < 12; ++o) w[static_cast<size_t>(o) * 27 + (o / 4) * 9] = 1.f;
        test::BinWriter bin;
        bin.tagged_f32(w);
        bin.f32(std::vector<float>(12, kBias));
        return test::write_model_files("kizuna_session_test", "shift_up2",
                                       "7767517\n3 3\n"
                                       "Input in 0 1 data\n"
                                       "Convolution conv 1 1 data c 0=12 1=3 5=1 6=324\n"
                                       "PixelShuffle ps 1 1 c out 0=2\n",
                                       bin);
    }();
    return path;
}

Tensor random_input(int h, int w, uint32_t seed) {
    Tensor t = std::move(*Tensor::create(3, h, w));
    std::mt19937 rng(test::case_seed(seed));
    std::uniform_real_distribution<float> d(0.f, 1.f);
    for (size_t i = 0; i < t.size(); ++i) t.data()[i] = d(rng);
    return t;
}

// The output the tiny model must give (see the file comment).
Tensor expected(const Tensor& in, bool exact) {
    const int h = in.height(), w = in.width();
    const int oh = exact ? 2 * h : 2 * h - 4, ow = exact ? 2 * w : 2 * w - 4;
    Tensor t = std::move(*Tensor::create(3, oh, ow));
    const int shift = exact ? 1 : 0;
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < oh; ++y)
            for (int x = 0; x < ow; ++x) {
                const int sy = std::clamp(y / 2 - shift, 0, h - 1);
                const int sx = std::clamp(x / 2 - shift, 0, w - 1);
                t.view().row(c, y)[x] = in.view().row(c, sy)[sx] + kBias;
            }
    return t;
}

::testing::AssertionResult same(const Tensor& got, const Tensor& want, const std::string& what) {
    if (got.channels() != want.channels() || got.height() != want.height() ||
        got.width() != want.width())
        return ::testing::AssertionFailure()
               << what << ": shape " << got.height() << "x" << got.width() << ", expected "
               << want.height() << "x" << want.width();
    for (size_t i = 0; i < want.size(); ++i)
        if (got.data()[i] != want.data()[i])
            return ::testing::AssertionFailure()
                   << what << ": value " << i << " is " << got.data()[i] << ", expected "
                   << want.data()[i];
    return ::testing::AssertionSuccess();
}

struct Config {
    NnBackendKind backend;
    int threads;
    const char* name;
};
const Config kConfigs[] = {
    {NnBackendKind::reference, 1, "reference, 1 thread"},
    {NnBackendKind::reference, 2, "reference, 2 threads"},
    {NnBackendKind::xnnpack, 1, "xnnpack, 1 thread"},
    {NnBackendKind::xnnpack, 2, "xnnpack, 2 threads"},
};

Session make_session(const Model& model, const Config& cfg, bool exact, int max_sizes = 2) {
    SessionOptions o;
    o.backend = cfg.backend;
    o.threads = cfg.threads;
    o.exact_size = exact;
    o.max_sizes = max_sizes;
    auto s = Session::create(model, o);
    EXPECT_TRUE(s) << s.error().message;
    return std::move(*s);
}

Tensor output_for(const Session& s, const Tensor& in) {
    auto shape = s.output_shape(in.height(), in.width());
    EXPECT_TRUE(shape) << shape.error().message;
    return std::move(*Tensor::create(shape->channels, shape->height, shape->width));
}

TEST(Session, OutputShapeIsScaleTimesInputOrTheRawGraphOutput) {
    auto model = Model::load(tiny_model());
    ASSERT_TRUE(model) << model.error().message;
    EXPECT_EQ(model->info().scale, 2);
    EXPECT_EQ(model->info().output_border, 2);
    EXPECT_EQ(model->info().input_padding, 1);
    Session exact = make_session(*model, kConfigs[0], true);
    Session raw = make_session(*model, kConfigs[0], false);
    EXPECT_EQ(*exact.output_shape(5, 7), (TensorShape{3, 10, 14}));
    EXPECT_EQ(*exact.output_shape(1, 1), (TensorShape{3, 2, 2}));
    EXPECT_EQ(*raw.output_shape(5, 7), (TensorShape{3, 6, 10}));
    // The raw graph needs 3 pixels for its 3x3 window; exact size pads smaller inputs.
    auto too_small = raw.output_shape(2, 7);
    ASSERT_FALSE(too_small);
    EXPECT_EQ(too_small.error().code, Errc::invalid_argument);
    EXPECT_FALSE(exact.output_shape(0, 4));
}

TEST(Session, OutputsAreTheModelAppliedAtAlternatingSizes) {
    auto model = Model::load(tiny_model());
    ASSERT_TRUE(model) << model.error().message;
    for (const Config& cfg : kConfigs) {
        for (bool exact : {true, false}) {
            Session s = make_session(*model, cfg, exact);
            const std::string what =
                std::string(cfg.name) + (exact ? ", exact size" : ", raw size");
            // Odd, even, tall and wide sizes, revisited in a different order; 1x1 and 2x3 only
            // in exact mode (the raw graph needs 3 pixels).
            std::vector<std::pair<int, int>> sizes = {{9, 11}, {6, 5}, {4, 17}, {9, 11}, {6, 5}};
            if (exact) sizes.insert(sizes.begin(), {{1, 1}, {2, 3}});
            uint32_t seed = 1;
            for (auto [h, w] : sizes) {
                const Tensor in = random_input(h, w, seed++);
                Tensor out = output_for(s, in);
                auto r = s.run(in.view(), out.view());
                ASSERT_TRUE(r) << what << ": " << r.error().message;
                EXPECT_TRUE(same(out, expected(in, exact),
                                 what + " " + std::to_string(h) + "x" + std::to_string(w)));
            }
        }
    }
}

TEST(Session, RunsAtPreparedSizesAllocateNothing) {
    auto model = Model::load(tiny_model());
    ASSERT_TRUE(model) << model.error().message;
    for (const Config& cfg : kConfigs) {
        for (bool exact : {true, false}) {
            Session s = make_session(*model, cfg, exact, 2);
            const std::string what =
                std::string(cfg.name) + (exact ? ", exact size" : ", raw size");
            const Tensor a = random_input(13, 10, 3);
            const Tensor b = random_input(7, 8, 4);
            Tensor out_a = output_for(s, a);
            Tensor out_b = output_for(s, b);
            ASSERT_TRUE(s.run(a.view(), out_a.view()));  // prepares 13x10
            ASSERT_TRUE(s.run(b.view(), out_b.view()));  // prepares 7x8
            const long before = test::allocation_count();
            for (int k = 0; k < 3; ++k) {
                ASSERT_TRUE(s.run(a.view(), out_a.view()));
                ASSERT_TRUE(s.run(b.view(), out_b.view()));
                ASSERT_TRUE(s.output_shape(13, 10));
            }
            EXPECT_EQ(test::allocation_count() - before, 0)
                << what << ": runs at the two prepared sizes allocated";
            EXPECT_TRUE(same(out_a, expected(a, exact), what + " 13x10"));
            EXPECT_TRUE(same(out_b, expected(b, exact), what + " 7x8"));
        }
    }
}

TEST(Session, ASizeBeyondMaxSizesReplacesTheLeastRecentlyRun) {
    auto model = Model::load(tiny_model());
    ASSERT_TRUE(model) << model.error().message;
    Session s = make_session(*model, kConfigs[0], true, 2);
    const Tensor a = random_input(5, 6, 5), b = random_input(7, 4, 6), c = random_input(3, 9, 7);
    Tensor oa = output_for(s, a), ob = output_for(s, b), oc = output_for(s, c);
    for (const Tensor* in : {&a, &b, &a, &c}) {  // c replaces b, the least recently run
        Tensor& out = in == &a ? oa : in == &b ? ob : oc;
        ASSERT_TRUE(s.run(in->view(), out.view()));
    }
    long before = test::allocation_count();
    ASSERT_TRUE(s.run(a.view(), oa.view()));
    EXPECT_EQ(test::allocation_count() - before, 0) << "a was kept";
    before = test::allocation_count();
    ASSERT_TRUE(s.run(b.view(), ob.view()));
    EXPECT_GT(test::allocation_count() - before, 0) << "b should have been dropped";
    EXPECT_TRUE(same(ob, expected(b, true), "b prepared again"));
    EXPECT_TRUE(same(oa, expected(a, true), "a"));
}

TEST(Session, RejectsViewsOfTheWrongShape) {
    auto model = Model::load(tiny_model());
    ASSERT_TRUE(model) << model.error().message;
    Session s = make_session(*model, kConfigs[0], true);
    const Tensor in = random_input(4, 5, 8);
    Tensor wrong = std::move(*Tensor::create(3, 8, 9));
    auto r = s.run(in.view(), wrong.view());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_NE(r.error().message.find("8x10"), std::string::npos) << r.error().message;
    Tensor gray = std::move(*Tensor::create(1, 4, 5));
    Tensor out = output_for(s, in);
    r = s.run(std::as_const(gray).view(), out.view());
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("1 channels"), std::string::npos) << r.error().message;
    EXPECT_FALSE(Session::create(*model, SessionOptions{.max_sizes = 0}));
}

TEST(Session, KeepsWorkingAfterItsModelIsGone) {
    auto model = Model::load(tiny_model());
    ASSERT_TRUE(model) << model.error().message;
    auto s = Session::create(*model, {});
    ASSERT_TRUE(s);
    model = Model::load(tiny_model());  // the first Model is destroyed
    const Tensor in = random_input(6, 6, 9);
    Tensor out = output_for(*s, in);
    ASSERT_TRUE(s->run(in.view(), out.view()));
    EXPECT_TRUE(same(out, expected(in, true), "after the model"));
}

// Shipped models: Real-CUGAN (reflect padding, deconvolution, crops, global pooling) and
// Real-ESRGAN (PReLU, pixel shuffle, nearest resize). Alternating sizes give the same bits as
// the first run at each size, and allocate nothing.
TEST(Session, InstalledModelsAtAlternatingSizes) {
    for (const char* id : {"realcugan-up2x-conservative", "realesr-animevideov3-x2"}) {
        auto model = Model::load(id);
        if (!model) GTEST_SKIP() << model.error().message;
        for (NnBackendKind kind : {NnBackendKind::xnnpack, NnBackendKind::reference}) {
            SessionOptions o;
            o.backend = kind;
            o.threads = 2;
            auto s = Session::create(*model, o);
            ASSERT_TRUE(s) << s.error().message;
            const Tensor a = random_input(23, 17, 10), b = random_input(12, 20, 11);
            Tensor oa = output_for(*s, a), ob = output_for(*s, b);
            ASSERT_TRUE(s->run(a.view(), oa.view()));
            ASSERT_TRUE(s->run(b.view(), ob.view()));
            const std::vector<float> first_a(oa.data(), oa.data() + oa.size());
            const std::vector<float> first_b(ob.data(), ob.data() + ob.size());
            const std::string what =
                std::string(id) + (kind == NnBackendKind::xnnpack ? " xnnpack" : " reference");
            const long before = test::allocation_count();
            ASSERT_TRUE(s->run(a.view(), oa.view()));
            ASSERT_TRUE(s->run(b.view(), ob.view()));
            EXPECT_EQ(test::allocation_count() - before, 0) << what;
            EXPECT_TRUE(std::equal(first_a.begin(), first_a.end(), oa.data())) << what;
            EXPECT_TRUE(std::equal(first_b.begin(), first_b.end(), ob.data())) << what;
            EXPECT_EQ(oa.height(), 46) << what;
            EXPECT_EQ(ob.width(), 40) << what;
        }
    }
}

}  // namespace
}  // namespace kizuna
