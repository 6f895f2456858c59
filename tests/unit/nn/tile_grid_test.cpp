// The tile layout: positions, coverage, the partition of unity of the blend weights, and the
// property the tiler's exactness rests on (with the automatic overlap no weight falls within the
// model's margin of an inner tile edge).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nn/tile/tile_grid.hpp"

namespace kizuna::nn::tile {
namespace {

ModelGeometry geometry(int scale, int border, int radius, int min_size, int multiple) {
    ModelGeometry g;
    g.scale = scale;
    g.output_border = border;
    g.input_padding = (border + scale - 1) / scale;
    g.receptive_radius = radius;
    g.min_input_size = min_size;
    g.input_multiple = multiple;
    return g;
}

void check_axis(const ModelGeometry& g, int frame, int tile, int overlap, int feather, Ramp ramp,
                bool exact_overlap) {
    const std::string what =
        "scale " + std::to_string(g.scale) + " border " + std::to_string(g.output_border) +
        " radius " + std::to_string(g.receptive_radius) + " frame " + std::to_string(frame) +
        " tile " + std::to_string(tile) + " overlap " + std::to_string(overlap);
    auto a = layout_axis(g, frame, tile, overlap, feather, ramp);
    ASSERT_TRUE(a) << what << ": " << a.error().message;
    const int s = g.scale;
    const int m = g.margin();
    ASSERT_EQ(a->canonical, canonical_length(g, frame)) << what;
    ASSERT_GE(a->canonical, frame + 2 * m) << what;
    ASSERT_FALSE(a->tiles.empty()) << what;
    EXPECT_EQ(a->tiles.front().pos, 0) << what;
    EXPECT_EQ(a->tiles.back().pos + a->tile, a->canonical) << what;
    for (size_t i = 0; i < a->tiles.size(); ++i) {
        EXPECT_EQ(a->tiles[i].pos % g.input_multiple, 0) << what << " tile " << i;
        if (i > 0) {
            EXPECT_GT(a->tiles[i].pos, a->tiles[i - 1].pos) << what;
            EXPECT_GE(a->tiles[i - 1].pos + a->tile - a->tiles[i].pos, overlap) << what;
        }
    }
    std::vector<double> total(static_cast<size_t>(s * frame), 0.0);
    const int raw_len = s * a->tile - 2 * g.output_border;
    for (size_t i = 0; i < a->tiles.size(); ++i) {
        const AxisTile& t = a->tiles[i];
        ASSERT_LE(0, t.begin);
        ASSERT_LE(t.begin, t.end);
        ASSERT_LE(t.end, s * frame);
        ASSERT_EQ(static_cast<int>(t.weight.size()), t.end - t.begin);
        ASSERT_GE(t.raw_offset, 0) << what;
        ASSERT_LE(t.raw_offset + (t.end - t.begin), raw_len) << what;
        for (int x = t.begin; x < t.end; ++x) {
            const float w = t.weight[static_cast<size_t>(x - t.begin)];
            ASSERT_GT(w, 0.0f) << what;
            ASSERT_LE(w, 1.0f + 1e-6f) << what;
            total[static_cast<size_t>(x)] += w;
            // Position in the canonical frame's output, and the distance to inner tile edges.
            const int u = s * m + x;
            const bool inner_left = i > 0, inner_right = i + 1 < a->tiles.size();
            if (exact_overlap && inner_left) {
                EXPECT_GE(u, s * (t.pos + m)) << what << " tile " << i;
            }
            if (exact_overlap && inner_right) {
                EXPECT_LT(u, s * (t.pos + a->tile - m)) << what << " tile " << i;
            }
            // Always inside the model's own output.
            EXPECT_GE(u, s * t.pos + g.output_border) << what;
            EXPECT_LT(u, s * (t.pos + a->tile) - g.output_border) << what;
        }
    }
    for (size_t x = 0; x < total.size(); ++x)
        ASSERT_NEAR(total[x], 1.0, 1e-5) << what << " at output " << x;
}

TEST(TileGrid, WeightsPartitionUnityAndAvoidTheMargins) {
    const ModelGeometry models[] = {
        geometry(2, 0, 19, 1, 1),    // realesr-animevideov3-x2
        geometry(4, 0, 94, 1, 1),    // x4plus-anime
        geometry(2, 36, 21, 38, 2),  // real-cugan up2x
        geometry(3, 42, 17, 32, 4),  // real-cugan up3x
        geometry(1, 28, 32, 60, 4),  // cunet noise-only
        geometry(2, 14, 7, 15, 1),   // upconv7
    };
    for (const ModelGeometry& g : models) {
        for (int frame : {1, 7, 64, 129, 333}) {
            for (int feather : {0, 8}) {
                const int o = auto_overlap(g, feather);
                for (int tile : {g.accepted_at_least(2 * o + 1), g.accepted_at_least(2 * o + 37),
                                 g.accepted_at_least(3 * o), 10000}) {
                    for (Ramp ramp : {Ramp::raised_cosine, Ramp::linear})
                        check_axis(g, frame, tile, o, feather, ramp, true);
                }
            }
        }
    }
}

TEST(TileGrid, ForcedSmallOverlapStillCoversAndBlends) {
    const ModelGeometry g = geometry(2, 0, 19, 1, 1);
    for (int overlap : {0, 1, 4, 16, 30}) check_axis(g, 300, 96, overlap, 8, Ramp::linear, false);
    const ModelGeometry c = geometry(2, 36, 21, 38, 2);
    check_axis(c, 300, 120, 2 * c.input_padding, 8, Ramp::raised_cosine, false);
}

TEST(TileGrid, TileAtLeastTheFrameRunsWhole) {
    const ModelGeometry g = geometry(2, 36, 21, 38, 2);
    auto a = layout_axis(g, 100, 4096, auto_overlap(g, 8), 8, Ramp::raised_cosine);
    ASSERT_TRUE(a);
    ASSERT_EQ(a->tiles.size(), 1u);
    EXPECT_EQ(a->tile, a->canonical);
    EXPECT_EQ(a->tiles[0].begin, 0);
    EXPECT_EQ(a->tiles[0].end, 200);
    for (float w : a->tiles[0].weight) EXPECT_EQ(w, 1.0f);
}

TEST(TileGrid, RejectsOverlapsTheTileCannotHold) {
    const ModelGeometry g = geometry(2, 36, 21, 38, 2);
    const int o = auto_overlap(g, 8);
    EXPECT_FALSE(layout_axis(g, 500, 2 * o, o, 8, Ramp::linear));  // not more than 2x overlap
    EXPECT_FALSE(layout_axis(g, 500, 200, 2 * g.input_padding - 1, 8, Ramp::linear));
    EXPECT_FALSE(layout_axis(g, 500, 20, o, 8, Ramp::linear));  // below the model's minimum
}

TEST(TileGrid, AcceptedSizes) {
    const ModelGeometry g = geometry(3, 42, 17, 32, 4);
    EXPECT_EQ(g.accepted_at_least(1), 32);
    EXPECT_EQ(g.accepted_at_least(33), 36);
    EXPECT_EQ(g.accepted_at_most(35), 32);
    EXPECT_EQ(g.accepted_at_most(31), 0);
    EXPECT_EQ(auto_overlap(g, 8) % 4, 0);
    EXPECT_GE(auto_overlap(g, 8), 2 * g.margin() + 8);
}

}  // namespace
}  // namespace kizuna::nn::tile
