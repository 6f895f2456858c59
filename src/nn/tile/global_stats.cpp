#include "nn/tile/global_stats.hpp"

#include <fmt/format.h>

namespace kizuna::nn::tile {

std::vector<GlobalPool> find_global_pools(const Graph& graph, std::vector<int>* unsupported) {
    std::vector<GlobalPool> pools;
    for (size_t i = 0; i < graph.layers.size(); ++i) {
        const Layer& l = graph.layers[i];
        if (l.type != LayerType::pooling) continue;
        const auto& p = std::get<PoolingParams>(l.params);
        if (!p.global) continue;
        if (p.type != PoolingType::average) {
            if (unsupported) unsupported->push_back(static_cast<int>(i));
            continue;
        }
        pools.push_back({static_cast<int>(i), l.inputs[0], 0});
    }
    return pools;
}

namespace {

// Which activation pixels each tile of an axis owns, in the tile's own coordinates, so that the
// owned ranges of all tiles partition the whole-frame activation.
Result<std::vector<GlobalStatsPlan::Range>> shares(const Axis& axis, int tile_len, int whole_len,
                                                   const std::string& where) {
    std::vector<GlobalStatsPlan::Range> out(axis.tiles.size());
    if (axis.tiles.size() == 1) {
        out[0] = {0, tile_len};
        return out;
    }
    // Activation pixels per input pixel: exact from the two extents.
    const long long dn = axis.canonical - axis.tile;
    const long long dw = whole_len - tile_len;
    std::vector<int> start(axis.tiles.size());
    for (size_t i = 0; i < axis.tiles.size(); ++i) {
        const long long num = static_cast<long long>(axis.tiles[i].pos) * dw;
        if (num % dn != 0)
            return make_error(Errc::internal,
                              fmt::format("{}: tile at {} does not fall on a whole pixel of the "
                                          "activation ({} per {} input pixels)",
                                          where, axis.tiles[i].pos, dw, dn));
        start[i] = static_cast<int>(num / dn);
    }
    int prev_end = 0;
    for (size_t i = 0; i < axis.tiles.size(); ++i) {
        // The boundary with the next tile: the middle of their common part.
        const int cut =
            i + 1 < axis.tiles.size() ? (start[i + 1] + start[i] + tile_len) / 2 : whole_len;
        out[i] = {prev_end - start[i], cut - start[i]};
        if (out[i].begin < 0 || out[i].end > tile_len || out[i].begin > out[i].end)
            return make_error(Errc::internal,
                              fmt::format("{}: tile {} would own activation [{}, {}) of its {}",
                                          where, i, out[i].begin, out[i].end, tile_len));
        prev_end = cut;
    }
    return out;
}

}  // namespace

Result<GlobalStatsPlan> plan_global_stats(const Graph& graph, std::span<const GlobalPool> pools,
                                          const Axis& ax, const Axis& ay) {
    auto tile_shapes = infer_shapes(graph, 3, ay.tile, ax.tile);
    KZ_TRY(tile_shapes);
    auto whole_shapes = infer_shapes(graph, 3, ay.canonical, ax.canonical);
    KZ_TRY(whole_shapes);
    GlobalStatsPlan plan;
    for (const GlobalPool& pool : pools) {
        const Shape& ts = (*tile_shapes)[static_cast<size_t>(pool.blob)];
        const Shape& ws = (*whole_shapes)[static_cast<size_t>(pool.blob)];
        const std::string where = fmt::format("{}: global pooling '{}'", graph.source,
                                              graph.layers[static_cast<size_t>(pool.layer)].name);
        auto sx = shares(ax, ts.w, ws.w, where);
        KZ_TRY(sx);
        auto sy = shares(ay, ts.h, ws.h, where);
        KZ_TRY(sy);
        GlobalStatsPlan::Pool p;
        p.pool = pool;
        p.pool.channels = ts.c;
        p.x = std::move(*sx);
        p.y = std::move(*sy);
        p.count = static_cast<double>(ws.h) * ws.w;
        plan.pools.push_back(std::move(p));
    }
    return plan;
}

Result<void> compute_global_means(const GlobalStatsPlan& plan, const Backend& backend,
                                  TileRunner& runner, std::vector<std::vector<float>>& means,
                                  std::vector<RunControl::Override>& overrides,
                                  std::vector<double>& sums) {
    if (means.size() != plan.pools.size()) means.resize(plan.pools.size());
    overrides.clear();
    for (size_t k = 0; k < plan.pools.size(); ++k) {
        const GlobalStatsPlan::Pool& p = plan.pools[k];
        sums.assign(static_cast<size_t>(p.pool.channels), 0.0);
        RunControl control;
        control.overrides = overrides;
        control.stop_before = p.pool.layer;
        for (size_t iy = 0; iy < p.y.size(); ++iy) {
            for (size_t ix = 0; ix < p.x.size(); ++ix) {
                KZ_TRY(runner.run_tile(static_cast<int>(ix), static_cast<int>(iy), control));
                KZ_TRY(backend.sum_blob(p.pool.blob, p.y[iy].begin, p.y[iy].end, p.x[ix].begin,
                                        p.x[ix].end, sums));
                KZ_TRY(runner.after_tile());
            }
        }
        std::vector<float>& m = means[k];
        if (m.size() != sums.size()) m.resize(sums.size());
        for (size_t c = 0; c < sums.size(); ++c) m[c] = static_cast<float>(sums[c] / p.count);
        overrides.push_back({p.pool.layer, m.data()});
    }
    return {};
}

}  // namespace kizuna::nn::tile
