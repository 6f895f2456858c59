// The tiler on the installed models: tiled output equals the untiled (whole extended frame)
// output within 1/255, for every model without global context and for Real-CUGAN and cunet with
// shared statistics, on a checkerboard, gradients and a real anime picture, with tile sizes that
// do not divide the picture; the error next to tile boundaries is no larger than elsewhere.
// Also: the budget picks tiles, out of memory halves them, steady state allocates nothing,
// cancel / deadline / progress work between tiles.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "core/alloc_fault.hpp"
#include "kizuna/convert.hpp"
#include "kizuna/media.hpp"
#include "kizuna/models.hpp"
#include "kizuna/nn_tiler.hpp"
#include "kizuna/probe.hpp"

namespace kizuna {
namespace {

constexpr float kTolerance = 1.0f / 255.0f;

enum class Pattern { checkerboard, gradient, anime };

const char* pattern_name(Pattern p) {
    return p == Pattern::checkerboard ? "checkerboard"
           : p == Pattern::gradient   ? "gradient"
                                      : "anime";
}

Tensor make_picture(Pattern p, int h, int w) {
    Tensor t = std::move(*Tensor::create(3, h, w));
    if (p == Pattern::anime) {
        // A crop of a real background painting (installed by scripts/setup.sh).
        auto img = read_image(KIZUNA_RENPY_IMAGES "/bg club.jpg");
        EXPECT_TRUE(img) << img.error().message;
        if (!img || img->width() < w + 200 || img->height() < h + 100) return t;
        const ConstImageView v = img->view();
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const auto* px = reinterpret_cast<const uint8_t*>(v.row(y + 100)) + 4 * (x + 200);
                for (int c = 0; c < 3; ++c) t.view().row(c, y)[x] = px[c] / 255.0f;
            }
        return t;
    }
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                float v;
                if (p == Pattern::checkerboard) {
                    v = ((x / 5 + y / 5) % 2) ? 0.9f - 0.2f * c : 0.1f + 0.1f * c;
                } else {
                    v = c == 0   ? static_cast<float>(x) / (w - 1)
                        : c == 1 ? static_cast<float>(y) / (h - 1)
                                 : static_cast<float>(x + y) / (w + h - 2);
                }
                t.view().row(c, y)[x] = v;
            }
    return t;
}

Tiler make_tiler(const Model& m, int tile, int overlap = -1, uint64_t memory = 0) {
    SessionOptions so;
    so.backend = NnBackendKind::xnnpack;
    so.threads = 2;
    TileSettings ts;
    ts.tile_size = tile;
    ts.overlap = overlap;
    ts.memory_bytes = memory;
    auto t = Tiler::create(m, so, ts);
    EXPECT_TRUE(t) << t.error().message;
    return std::move(*t);
}

Tensor run(Tiler& t, const Tensor& in) {
    const ModelInfo& mi = t.info();
    Tensor out = std::move(
        *Tensor::create(mi.output_channels, in.height() * mi.scale, in.width() * mi.scale));
    auto r = t.run(in.view(), out.view());
    EXPECT_TRUE(r) << mi.id << ": " << r.error().message;
    return out;
}

struct SeamError {
    float near_seams = 0;  // max |diff| within `band` output pixels of a seam
    float elsewhere = 0;
    float overall() const { return std::max(near_seams, elsewhere); }
};

SeamError compare(const Tensor& tiled, const Tensor& whole, const TileReport& rep, int band) {
    SeamError e;
    auto near = [band](const std::vector<int>& seams, int v) {
        return std::any_of(seams.begin(), seams.end(),
                           [&](int s) { return std::abs(v - s) <= band; });
    };
    for (int c = 0; c < whole.channels(); ++c)
        for (int y = 0; y < whole.height(); ++y)
            for (int x = 0; x < whole.width(); ++x) {
                const float d = std::fabs(tiled.view().row(c, y)[x] - whole.view().row(c, y)[x]);
                float& slot =
                    near(rep.seams_x, x) || near(rep.seams_y, y) ? e.near_seams : e.elsewhere;
                slot = std::max(slot, std::isnan(d) ? INFINITY : d);
            }
    return e;
}

// Tiled == untiled within 1/255 for each pattern and tile size; no extra error at seams.
constexpr Pattern kAllPatterns[] = {Pattern::checkerboard, Pattern::gradient, Pattern::anime};

void check_model(const char* id, int h, int w, std::vector<int> tiles,
                 std::vector<Pattern> patterns = {std::begin(kAllPatterns),
                                                  std::end(kAllPatterns)}) {
    auto model = Model::load(id);
    if (!model) GTEST_SKIP() << model.error().message;
    Tiler whole = make_tiler(*model, 0);
    for (Pattern p : patterns) {
        const Tensor in = make_picture(p, h, w);
        const Tensor ref = run(whole, in);
        ASSERT_FALSE(whole.last_report().tiled()) << id;
        for (int tile : tiles) {
            Tiler tiler = make_tiler(*model, tile);
            const Tensor got = run(tiler, in);
            const TileReport& rep = tiler.last_report();
            const std::string what =
                std::string(id) + " " + pattern_name(p) + " " + std::to_string(w) + "x" +
                std::to_string(h) + " tile " + std::to_string(rep.tile_width) + "x" +
                std::to_string(rep.tile_height) + " (" + std::to_string(rep.tiles_x) + "x" +
                std::to_string(rep.tiles_y) + " tiles)";
            ASSERT_TRUE(rep.tiled()) << what;
            if (p == Pattern::anime) {
                ASSERT_GT(in.data()[0] + in.data()[in.size() - 1], 0.0f) << "no picture";
            }
            ASSERT_FALSE(rep.seams_x.empty() && rep.seams_y.empty()) << what;
            const SeamError e = compare(got, ref, rep, 4 * model->info().scale);
            EXPECT_LE(e.overall(), kTolerance) << what;
            // Exact blending: what remains is float rounding, the same near seams as elsewhere.
            EXPECT_LE(e.near_seams, std::max(4.0f * e.elsewhere, 2e-5f))
                << what << ": near seams " << e.near_seams << ", elsewhere " << e.elsewhere;
        }
    }
}

TEST(Tiler, RealEsrganAnimeVideoV3MatchesWholeFrame) {
    check_model("realesr-animevideov3-x2", 70, 90, {93, 100});
    check_model("realesr-animevideov3-x3", 50, 61, {93});
    check_model("realesr-animevideov3-x4", 47, 58, {91});
}

// Its receptive radius is 94 input pixels, so a tile needs at least 393: tiled on one axis only,
// on the real picture only, to keep the test within seconds (11.4 MFLOP per input pixel).
TEST(Tiler, RealEsrganX4PlusAnimeMatchesWholeFrame) {
    check_model("realesrgan-x4plus-anime", 8, 210, {393}, {Pattern::anime});
}

TEST(Tiler, Waifu2xUpconv7MatchesWholeFrame) {
    check_model("waifu2x-upconv7-x2", 61, 75, {45, 52});
}

// Global pooling: every tile gets the whole frame's statistics.
TEST(Tiler, RealCuganWithSharedStatisticsMatchesWholeFrame) {
    check_model("realcugan-up2x-conservative", 100, 121, {102, 120});
    check_model("realcugan-up3x-conservative", 90, 99, {124}, {Pattern::anime});
}

TEST(Tiler, CunetWithSharedStatisticsMatchesWholeFrame) {
    check_model("waifu2x-cunet-x2", 90, 101, {110}, {Pattern::checkerboard, Pattern::anime});
}

// The tests below run realesr-animevideov3-x2 (skipped when it is not installed).
class TilerAnimeVideoV3 : public ::testing::Test {
protected:
    void SetUp() override {
        auto loaded = Model::load("realesr-animevideov3-x2");
        if (!loaded) GTEST_SKIP() << loaded.error().message;
        model_.emplace(std::move(*loaded));
    }
    const Model& model() const { return *model_; }

private:
    std::optional<Model> model_;
};

TEST_F(TilerAnimeVideoV3, ForcedSmallOverlapIsBlendedNotCut) {
    const Tensor in = make_picture(Pattern::anime, 80, 120);
    Tiler whole = make_tiler(model(), 0);
    const Tensor ref = run(whole, in);
    // Overlap 8 < 2 x receptive radius: tiles see zero padding near their inner edges.
    Tiler small = make_tiler(model(), 64, 8);
    const Tensor got = run(small, in);
    ASSERT_TRUE(small.last_report().tiled());
    // Beyond the receptive radius (19 input pixels) of a seam the tiles are exact again.
    const SeamError e = compare(got, ref, small.last_report(), 2 * (19 + 2));
    // Not exact any more, but the ramp keeps it small: a hard cut at the band centre is what
    // this is compared with (max error of one tile alone at its edge, measured by the benchmark).
    EXPECT_GT(e.near_seams, 1e-4f);
    EXPECT_LT(e.near_seams, 0.1f);
    EXPECT_LE(e.elsewhere, kTolerance);
}

TEST_F(TilerAnimeVideoV3, BudgetPicksTilesAndWholeFrameWhenItFits) {
    Tiler unlimited = make_tiler(model(), 0, -1, 0);
    auto whole = unlimited.plan(300, 400);
    ASSERT_TRUE(whole) << whole.error().message;
    EXPECT_FALSE(whole->tiled());
    Tiler fits = make_tiler(model(), 0, -1, whole->working_bytes);
    auto same = fits.plan(300, 400);
    ASSERT_TRUE(same);
    EXPECT_FALSE(same->tiled());
    Tiler tight = make_tiler(model(), 0, -1, whole->working_bytes / 5);
    auto tiled = tight.plan(300, 400);
    ASSERT_TRUE(tiled) << tiled.error().message;
    EXPECT_TRUE(tiled->tiled());
    EXPECT_LE(tiled->working_bytes, whole->working_bytes / 5);
    Tiler tiny = make_tiler(model(), 0, -1, 1 << 20);
    auto refused = tiny.plan(300, 400);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::out_of_memory);
    EXPECT_NE(refused.error().message.find("smallest tile"), std::string::npos)
        << refused.error().message;
}

TEST_F(TilerAnimeVideoV3, OutOfMemoryHalvesTheTileAndGivesTheSameOutput) {
    const Tensor in = make_picture(Pattern::gradient, 150, 170);
    Tiler whole = make_tiler(model(), 0);
    const Tensor ref = run(whole, in);
    const uint64_t whole_bytes = whole.last_report().working_bytes;
    Tiler t = make_tiler(model(), 0);
    Tensor out = std::move(*Tensor::create(3, 300, 340));
    // From now on every allocation above a share of the whole frame's working memory fails, so
    // that the whole frame's activation arena does not fit and a half-size tile's (about a third
    // of it) does. The arena is nearly all of the working memory where our direct kernel runs
    // the convolutions (CPU level avx2 and up), and about a third of it where XNNPACK does (the
    // rest is its indirection buffers).
    const bool direct = cpu_level() >= CpuLevel::avx2;
    detail::fail_allocations_above(whole_bytes / (direct ? 2 : 6));
    auto r = t.run(in.view(), out.view());
    detail::clear_allocation_faults();
    ASSERT_TRUE(r) << r.error().message;
    const TileReport& rep = t.last_report();
    ASSERT_FALSE(rep.events.empty());
    EXPECT_NE(rep.events[0].find("out of memory"), std::string::npos) << rep.events[0];
    EXPECT_TRUE(rep.tiled());
    EXPECT_LE(compare(out, ref, rep, 8).overall(), kTolerance);
}

TEST_F(TilerAnimeVideoV3, OutOfMemoryAtTheFloorIsAnError) {
    const Tensor in = make_picture(Pattern::gradient, 150, 170);
    Tiler t = make_tiler(model(), 0);
    Tensor out = std::move(*Tensor::create(3, 300, 340));
    detail::fail_allocations_above(64 * 1024);
    auto r = t.run(in.view(), out.view());
    detail::clear_allocation_faults();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::out_of_memory);
    ASSERT_GE(t.last_report().events.size(), 2u);
    EXPECT_NE(t.last_report().events.back().find("no smaller tile"), std::string::npos);
}

TEST(Tiler, SteadyStateAllocatesNothing) {
    for (const char* id : {"realesr-animevideov3-x2", "realcugan-up2x-conservative"}) {
        auto model = Model::load(id);
        if (!model) GTEST_SKIP() << model.error().message;
        Tiler t = make_tiler(*model, 102);
        const Tensor in = make_picture(Pattern::checkerboard, 100, 130);
        Tensor out = run(t, in);
        ASSERT_TRUE(t.last_report().tiled());
        const long before = test::allocation_count();
        ASSERT_TRUE(t.run(in.view(), out.view()));
        EXPECT_EQ(test::allocation_count() - before, 0) << id;
    }
}

TEST(Tiler, ProgressCancelAndDeadlineBetweenTiles) {
    auto model = Model::load("realcugan-up2x-conservative");
    if (!model) GTEST_SKIP() << model.error().message;
    Tiler t = make_tiler(*model, 102);
    const Tensor in = make_picture(Pattern::gradient, 100, 130);
    Tensor out = std::move(*Tensor::create(3, 200, 260));
    std::vector<TileProgress> seen;
    TileControl ctl;
    ctl.on_progress = [&](const TileProgress& p) { seen.push_back(p); };
    ASSERT_TRUE(t.run(in.view(), out.view(), ctl));
    const TileReport& rep = t.last_report();
    ASSERT_EQ(rep.passes, 5);  // four global poolings + the final pass
    ASSERT_EQ(seen.size(), static_cast<size_t>(rep.passes * rep.tiles_x * rep.tiles_y));
    EXPECT_EQ(seen.back().tiles_done, seen.back().tiles_total);

    std::atomic<bool> cancel{false};
    TileControl stop;
    stop.cancel = &cancel;
    stop.on_progress = [&](const TileProgress& p) {
        if (p.tiles_done == 2) cancel = true;
    };
    auto r = t.run(in.view(), out.view(), stop);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::cancelled);

    TileControl late;
    late.deadline = std::chrono::steady_clock::now();
    auto d = t.run(in.view(), out.view(), late);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, Errc::timeout);
    EXPECT_NE(d.error().message.find("tile 1 of"), std::string::npos) << d.error().message;
}

}  // namespace
}  // namespace kizuna
