// Whole-frame statistics for tiled runs of models with global pooling (the squeeze-excitation
// blocks of Real-CUGAN and waifu2x cunet): every tile must use the mean of each pooled activation
// over the whole extended frame, not over itself, or its colours drift from its neighbours'.
//
// The means are computed pool by pool, as the untiled run would: for pool k, every tile runs up
// to pool k (pools before it fed the whole-frame means already found) and adds the sums of its
// share of pool k's input; the shares of all tiles partition that activation exactly as it lies
// over the extended frame. Tile positions are multiples of the model's input step, so a tile's
// activation pixels are whole-frame activation pixels shifted by a whole number.
#pragma once

#include <span>
#include <vector>

#include "kizuna/error.hpp"
#include "nn/backend.hpp"
#include "nn/graph/graph.hpp"
#include "nn/tile/tile_grid.hpp"

namespace kizuna::nn::tile {

// A global average-pooling layer and its input activation.
struct GlobalPool {
    int layer = -1;
    int blob = -1;  // the pooled input
    int channels = 0;
};

// The graph's global average-pooling layers, in execution order. Global max pooling is not
// supported by the tiler (none of the shipped models has one): listed in `unsupported`.
std::vector<GlobalPool> find_global_pools(const Graph& graph, std::vector<int>* unsupported);

// What compute_global_means needs from the tiler.
class TileRunner {
public:
    virtual ~TileRunner() = default;
    // Runs the tile (ix, iy) of the layout under `control` on the backend that sum_blob() reads.
    virtual Result<void> run_tile(int ix, int iy, const RunControl& control) = 0;
    // Called after each tile run (progress, cancel, deadline): an error stops the computation.
    virtual Result<void> after_tile() = 0;
};

// Which part of each pool's input every tile owns, for one layout (made when the layout changes).
struct GlobalStatsPlan {
    struct Range {
        int begin = 0;
        int end = 0;
    };
    struct Pool {
        GlobalPool pool;
        std::vector<Range> x;  // per x-tile, in the tile's activation columns
        std::vector<Range> y;  // per y-tile, in the tile's activation rows
        double count = 0;      // pixels of the whole-frame activation
    };
    std::vector<Pool> pools;
};

// Plans the shares for the extended frame laid out by ax, ay (tile ax.tile x ay.tile, canonical
// ax.canonical x ay.canonical). Errors: internal when a tile does not fall on whole activation
// pixels (tile positions must be multiples of the model's input step).
Result<GlobalStatsPlan> plan_global_stats(const Graph& graph, std::span<const GlobalPool> pools,
                                          const Axis& ax, const Axis& ay);

// Fills means[k] with the whole-frame mean of pool k's input, k in plan order; means and its
// vectors are resized only when their sizes differ, `overrides` (capacity >= pools) and `sums`
// are scratch, so repeated calls allocate nothing. On return `overrides` holds every pool's
// means, ready for the final pass.
Result<void> compute_global_means(const GlobalStatsPlan& plan, const Backend& backend,
                                  TileRunner& runner, std::vector<std::vector<float>>& means,
                                  std::vector<RunControl::Override>& overrides,
                                  std::vector<double>& sums);

}  // namespace kizuna::nn::tile
