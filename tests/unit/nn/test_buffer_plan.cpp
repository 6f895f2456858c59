// Liveness-based buffer planning: blobs alive at the same time never share memory, and memory
// is reused so that the peak stays near the largest layer's working set.
#include <algorithm>

#include <gtest/gtest.h>

#include "kizuna/models.hpp"
#include "nn_test_util.hpp"

namespace kizuna::nn::test {
namespace {

size_t blob_bytes(const Plan& p, int b) {
    return (p.shapes[b].elements() * sizeof(float) + 63) / 64 * 64;
}

// Index of the blob called `name` (test failure and 0 when there is none).
int blob_named(const Graph& g, const char* name) {
    for (size_t b = 0; b < g.blobs.size(); ++b)
        if (g.blobs[b].name == name) return static_cast<int>(b);
    ADD_FAILURE() << "no blob " << name;
    return 0;
}

int first_use(const Graph& g, int b) {
    return g.blobs[b].producer;
}
int last_use(const Graph& g, const Plan& p, int b) {
    return b == g.output_blob ? static_cast<int>(g.layers.size())
                              : std::max(p.last_use[b], first_use(g, b));
}

// Checks every pair of blobs: overlapping lifetimes imply disjoint memory, unless one is a
// split output aliasing the other. Returns the largest working set of one layer (inputs + outputs).
size_t check_no_overlap(const Graph& g, const Plan& p) {
    const int n = static_cast<int>(g.blobs.size());
    auto root = [&](int b) {
        while (g.layers[g.blobs[b].producer].type == LayerType::split)
            b = g.layers[g.blobs[b].producer].inputs[0];
        return b;
    };
    for (int a = 0; a < n; ++a)
        for (int b = a + 1; b < n; ++b) {
            if (root(a) == root(b)) {
                EXPECT_EQ(p.offsets[a], p.offsets[b]) << "split alias " << a << " " << b;
                continue;
            }
            const bool live_together =
                first_use(g, a) <= last_use(g, p, b) && first_use(g, b) <= last_use(g, p, a);
            const bool disjoint = p.offsets[a] + blob_bytes(p, a) <= p.offsets[b] ||
                                  p.offsets[b] + blob_bytes(p, b) <= p.offsets[a];
            if (live_together) {
                EXPECT_TRUE(disjoint) << g.source << ": blobs " << g.blobs[a].name << " and "
                                      << g.blobs[b].name << " overlap while both alive";
            }
            EXPECT_LE(p.offsets[a] + blob_bytes(p, a), p.arena_bytes);
        }
    size_t working = 0;
    for (const Layer& l : g.layers) {
        std::vector<int> roots;  // distinct storage touched by the layer
        for (int b : l.inputs) roots.push_back(root(b));
        for (int b : l.outputs) roots.push_back(root(b));
        std::sort(roots.begin(), roots.end());
        roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
        size_t s = 0;
        for (int r : roots) s += blob_bytes(p, r);
        working = std::max(working, s);
    }
    return working;
}

TEST(BufferPlan, ChainOfConvolutionsNeedsTwoBuffers) {
    const std::string param =
        "7767517\n5 5\n"
        "Input in 0 1 data\n"
        "Convolution c1 1 1 data a 0=8 1=3 4=1 6=72\n"
        "Convolution c2 1 1 a b 0=8 1=3 4=1 6=576\n"
        "Convolution c3 1 1 b c 0=8 1=3 4=1 6=576\n"
        "Convolution c4 1 1 c out 0=1 1=3 4=1 6=72\n";
    BinWriter bin;
    bin.tagged_f32(std::vector<float>(72, 0.f));
    bin.tagged_f32(std::vector<float>(576, 0.f));
    bin.tagged_f32(std::vector<float>(576, 0.f));
    bin.tagged_f32(std::vector<float>(72, 0.f));
    const Graph g = must_read(param, bin.bytes);
    auto plan = make_plan(g, 1, 32, 32);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    check_no_overlap(g, *plan);
    // Two 8-channel activations at a time; the 1-channel ones fit beside or inside.
    const size_t big = 8 * 32 * 32 * sizeof(float);
    EXPECT_LE(plan->peak_activation_bytes(), 2 * big + 2 * 32 * 32 * sizeof(float));
    EXPECT_GE(plan->peak_activation_bytes(), 2 * big);
}

TEST(BufferPlan, ShippedModelsReuseMemoryWithoutOverlap) {
    int checked = 0;
    for (const ModelEntry& e : list_models()) {
        if (!e.found || e.noise > 0) continue;  // one of each architecture is enough
        auto g = load_ncnn_model(e.param);
        ASSERT_TRUE(g.ok()) << g.error().message;
        auto info = inspect_model(e.id);
        ASSERT_TRUE(info.ok()) << info.error().message;
        const int s = info->min_input_size + 4 * info->input_multiple;
        auto plan = make_plan(*g, 3, s, s);
        ASSERT_TRUE(plan.ok()) << plan.error().message;
        const size_t working = check_no_overlap(*g, *plan);
        size_t total = 0;
        for (size_t b = 0; b < g->blobs.size(); ++b)
            total += blob_bytes(*plan, static_cast<int>(b));
        EXPECT_GE(plan->peak_activation_bytes(), working) << e.id;
        // Reuse: far below keeping every blob, and within a small factor of the busiest layer
        // (skip connections of the U-Nets keep a few more activations alive).
        EXPECT_LT(plan->peak_activation_bytes(), total / 2) << e.id;
        EXPECT_LT(plan->peak_activation_bytes(), 3 * working) << e.id;
        ++checked;
    }
    if (checked == 0) GTEST_SKIP() << "no models installed in " << models_directory();
}

// make_plan's in_place option: a PReLU flagged in place shares its input's memory only when that
// input has no other reader; everything else keeps disjoint memory while alive.
TEST(BufferPlan, InPlaceLayerSharesOnlyAnUnsharedInput) {
    const std::string param =
        "7767517\n6 7\n"
        "Input in 0 1 data\n"
        "Convolution c1 1 1 data a 0=4 1=3 4=1 6=36\n"
        "PReLU p1 1 1 a b 0=1\n"
        "Convolution c2 1 1 b c 0=4 1=3 4=1 6=144\n"
        "Split s 1 2 c c0 c1\n"
        "PReLU p2 1 1 c0 d 0=1\n";
    // p2's input (c0, a split output) shares storage with c1 and c: not in place.
    BinWriter bin;
    bin.tagged_f32(std::vector<float>(36, 0.f));
    bin.f32(std::vector<float>(1, 0.25f));
    bin.tagged_f32(std::vector<float>(144, 0.f));
    bin.f32(std::vector<float>(1, 0.25f));
    const Graph g = must_read(param, bin.bytes);
    auto blob = [&](const char* name) { return blob_named(g, name); };
    const std::vector<Placement> in_place = {Placement::own, Placement::own, Placement::in_place,
                                             Placement::own, Placement::own, Placement::in_place};
    auto plan = make_plan(g, 1, 16, 16, &in_place);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    EXPECT_EQ(plan->offsets[blob("a")], plan->offsets[blob("b")]);
    // c0 is a split output: its storage is also c's and c1's, so d must get its own memory.
    const size_t bytes = 4 * 16 * 16 * sizeof(float);
    const size_t c = plan->offsets[blob("c")];
    const size_t d = plan->offsets[blob("d")];
    EXPECT_TRUE(c + bytes <= d || d + bytes <= c) << "c at " << c << ", d at " << d;
    // Without the option nothing is shared but split outputs.
    auto plain = make_plan(g, 1, 16, 16);
    ASSERT_TRUE(plain.ok());
    EXPECT_NE(plain->offsets[blob("a")], plain->offsets[blob("b")]);
}

// An elided concat's inputs stay alive until the concat's readers ran, even when layers between
// the concat and its reader write new blobs; without elision they could be reused there.
TEST(BufferPlan, ElidedConcatKeepsItsInputsAliveForItsReaders) {
    const std::string param =
        "7767517\n6 6\n"
        "Input in 0 1 data\n"
        "Convolution a 1 1 data ao 0=4 1=1 6=4\n"
        "Convolution b 1 1 data bo 0=4 1=1 6=4\n"
        "Concat cat 2 1 ao bo co\n"
        "Convolution e 1 1 data eo 0=8 1=1 6=8\n"
        "Convolution d 1 1 co out 0=1 1=1 6=8\n";
    // e's output is never read; d reads only the concat.
    BinWriter bin;
    bin.tagged_f32(std::vector<float>(4, 0.f));
    bin.tagged_f32(std::vector<float>(4, 0.f));
    bin.tagged_f32(std::vector<float>(8, 0.f));
    bin.tagged_f32(std::vector<float>(8, 0.f));
    const Graph g = must_read(param, bin.bytes);
    auto blob = [&](const char* name) { return blob_named(g, name); };
    std::vector<Placement> placement(g.layers.size(), Placement::own);
    placement[3] = Placement::elided;
    auto plan = make_plan(g, 1, 8, 8, &placement);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    const size_t small = 4 * 8 * 8 * sizeof(float);
    const size_t big = 8 * 8 * 8 * sizeof(float);
    const size_t e = plan->offsets[blob("eo")];
    for (const char* in : {"ao", "bo"}) {
        const size_t o = plan->offsets[blob(in)];
        EXPECT_TRUE(o + small <= e || e + big <= o) << in << " at " << o << ", eo at " << e;
    }
    // The concat output takes no memory: the arena holds ao, bo, eo and out, not co as well.
    const size_t out = 1 * 8 * 8 * sizeof(float);
    EXPECT_LE(plan->arena_bytes, 2 * small + big + out);
    // Without elision the concat materialises (ao and bo may then be reused by eo).
    auto plain = make_plan(g, 1, 8, 8);
    ASSERT_TRUE(plain.ok());
    EXPECT_GE(plain->arena_bytes, big + big);
}

}  // namespace
}  // namespace kizuna::nn::test
