// kizuna::Tiler: the whole tiled run. Geometry lives in tile_grid.*, the global-pooling passes in
// global_stats.*; this file picks the tile size, moves pixels in and out of tiles, and handles
// running out of memory.
#include "kizuna/nn_tiler.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "kizuna/memory_budget.hpp"
#include "nn/backend.hpp"
#include "nn/model/edge_padding.hpp"
#include "nn/model/model_impl.hpp"
#include "nn/thread_pool.hpp"
#include "nn/tile/device_tiles.hpp"
#include "nn/tile/global_stats.hpp"
#include "nn/tile/tile_grid.hpp"
#include "nn/tile/tiler_access.hpp"
#include "nn/vulkan/vk_backend.hpp"
#include "nn/xnnpack/xnnpack_memory.hpp"

namespace kizuna {

using nn::tile::Axis;
using nn::tile::AxisTile;

struct Tiler::Impl {
    std::shared_ptr<const nn::ModelImpl> model;
    SessionOptions session;
    TileSettings settings;
    nn::tile::ModelGeometry geo;
    std::shared_ptr<nn::ThreadPool> pool;
    std::unique_ptr<nn::Backend> backend;
    std::vector<nn::tile::GlobalPool> pools;
    std::vector<int> unsupported_pools;

    // State of the last layout, reused while the picture size stays.
    int height = 0, width = 0, tile_limit = 0;
    Axis ax, ay;
    Tensor tile_in, tile_out;
    std::vector<int> row_src, col_src;     // canonical position -> source row / column
    nn::tile::GlobalStatsPlan stats_plan;  // for the layout, when tiled with global pooling
    std::vector<std::vector<float>> means;
    std::vector<nn::RunControl::Override> overrides;  // scratch, capacity = pools
    std::vector<double> sums;                         // scratch
    TileReport report;
    // Device-resident runs (TilerAccess::run_device): the pixel moves on the device, made on
    // the first such run; the layout its tables hold (layout_serial at set_layout).
    std::optional<nn::tile::DeviceTiles> device_tiles;
    uint64_t layout_serial = 0, device_layout = 0;

    const nn::Graph& graph() const { return model->graph; }
    const ModelInfo& info() const { return model->info; }
    int overlap() const {
        return settings.overlap >= 0 ? settings.overlap
                                     : nn::tile::auto_overlap(geo, settings.feather);
    }
    // Smallest tile the layout allows and the settings permit.
    int floor_tile() const {
        return geo.accepted_at_least(std::max(settings.min_tile_size, 2 * overlap() + 1));
    }
    Result<uint64_t> working_bytes(int tile_w, int tile_h) const;
    Result<int> choose_tile(int height, int width) const;
    Result<int> right_size(int height, int width, int tile) const;
    nn::tile::Ramp ramp() const {
        return settings.raised_cosine ? nn::tile::Ramp::raised_cosine : nn::tile::Ramp::linear;
    }
    Result<void> layout(int height, int width, int tile);
    Result<void> run_tile(ConstTensorView input, int ix, int iy, const nn::RunControl& control);
    void blend_tile(int ix, int iy, TensorView output);
    struct FrameRun;
    // One attempt at a frame of height x width: the layout, the statistics passes and the final
    // pass, the tiles run and blended by frame.tile.
    Result<void> run_tiles(int height, int width, FrameRun& frame);
    Result<void> run_once(ConstTensorView input, TensorView output, const TileControl& control);
    Result<void> run_once_device(const nn::tile::DevicePictures& p, const TileControl& control);
    // Runs `once` (a callable giving Result<void>) for a frame of height x width, halving the
    // tile on out-of-memory.
    template <class Once>
    Result<void> run_halving(int height, int width, const Once& once);
};

Result<uint64_t> Tiler::Impl::working_bytes(int tile_w, int tile_h) const {
    auto plan = nn::make_plan(graph(), info().input_channels, tile_h, tile_w);
    KZ_TRY(plan);
    const nn::Shape& out = plan->output_shape(graph());
    const uint64_t in_bytes = uint64_t{4} * info().input_channels * tile_h * tile_w;
    const uint64_t out_bytes = uint64_t{4} * out.elements();
    const uint64_t backend_bytes =
        session.backend == NnBackendKind::xnnpack ? nn::xnn::held_bytes(graph(), *plan) : 0;
    return plan->arena_bytes + in_bytes + out_bytes + backend_bytes;
}

// The tile side to use for a picture: the whole canonical frame when it fits (or no budget), else
// the largest accepted size whose working memory fits the host budget and, on a device backend,
// the device's (Backend::device_budget). tile_limit (from out-of-memory halving) caps it.
Result<int> Tiler::Impl::choose_tile(int h, int w) const {
    const int lx = nn::tile::canonical_length(geo, w);
    const int ly = nn::tile::canonical_length(geo, h);
    const int whole = std::max(lx, ly);
    int cap = tile_limit > 0 ? tile_limit : whole;
    if (settings.tile_size > 0) cap = std::min(cap, geo.accepted_at_most(settings.tile_size));
    cap = std::min(cap, whole);
    const uint64_t budget = settings.memory_bytes;
    const uint64_t device_budget = backend->device_budget();
    // Host and device bytes of a tile of side t.
    auto needs = [&](int t) -> Result<std::pair<uint64_t, uint64_t>> {
        const int tw = std::min(t, lx), th = std::min(t, ly);
        uint64_t host = 0, device = 0;
        if (budget > 0) {
            auto bytes = working_bytes(tw, th);
            KZ_TRY(bytes);
            host = *bytes;
        }
        if (device_budget > 0) {
            auto bytes = backend->device_bytes(graph(), info().input_channels, th, tw);
            KZ_TRY(bytes);
            device = *bytes;
        }
        return std::pair{host, device};
    };
    auto fits = [&](int t) -> Result<bool> {
        if (budget == 0 && device_budget == 0) return true;
        auto n = needs(t);
        KZ_TRY(n);
        return (budget == 0 || n->first <= budget) &&
               (device_budget == 0 || n->second <= device_budget);
    };
    auto cap_fits = fits(cap);
    KZ_TRY(cap_fits);
    if (*cap_fits) return right_size(h, w, cap);
    const int lo_tile = std::min(floor_tile(), cap);
    auto lo_fits = fits(lo_tile);
    KZ_TRY(lo_fits);
    if (!*lo_fits) {
        auto n = needs(lo_tile);
        KZ_TRY(n);
        if (budget > 0 && n->first > budget)
            return make_error(
                Errc::out_of_memory,
                fmt::format("{}: the smallest tile ({}x{}) needs {} of working memory, "
                            "more than the {} allowed",
                            info().id, lo_tile, lo_tile, format_bytes(n->first),
                            format_bytes(budget)));
        return make_error(
            Errc::out_of_memory,
            fmt::format("{}: the smallest tile ({}x{}) needs {} of device memory on {}, more "
                        "than its budget of {}",
                        info().id, lo_tile, lo_tile,
                        n->second == UINT64_MAX ? std::string("more than the device addresses")
                                                : format_bytes(n->second),
                        backend->name(), format_bytes(device_budget)));
    }
    // Binary search over accepted sizes lo_tile + k * step.
    const int step = geo.input_multiple;
    int lo = 0, hi = (cap - lo_tile) / step;  // lo fits, hi does not
    while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        auto f = fits(lo_tile + mid * step);
        KZ_TRY(f);
        (*f ? lo : hi) = mid;
    }
    return right_size(h, w, lo_tile + lo * step);
}

// The largest tile that fits the budget can share most of its pixels with its neighbour (two
// tiles of 1510 over a 1958-pixel row run 1.63x the frame's work). With the tile count it gives
// each axis, the smallest accepted tile that keeps those counts runs least (two tiles of 1002:
// 1.08x) and needs less memory. A tile size the user set is kept as it is.
Result<int> Tiler::Impl::right_size(int h, int w, int tile) const {
    if (settings.tile_size > 0) return tile;
    const auto count = [&](int length, int t) -> size_t {
        auto a = nn::tile::layout_axis(geo, length, t, overlap(), settings.feather, ramp());
        return a ? a->tiles.size() : SIZE_MAX;  // a tile too small for the overlap
    };
    const size_t nx = count(w, tile), ny = count(h, tile);
    if (nx == SIZE_MAX || ny == SIZE_MAX) return tile;
    if (nx == 1 && ny == 1) return tile;
    // Tile counts only fall as the tile grows: binary search for the smallest side that keeps
    // them, over [floor_tile(), tile].
    const auto keeps = [&](int t) { return count(w, t) <= nx && count(h, t) <= ny; };
    int lo = floor_tile(), hi = tile;  // hi keeps the counts
    if (lo >= hi) return tile;
    if (keeps(lo)) return lo;
    while (hi - lo > 1) {
        const int mid = lo + (hi - lo) / 2;
        (keeps(geo.accepted_at_most(mid)) ? hi : lo) = mid;
    }
    const int t = geo.accepted_at_most(hi);
    return keeps(t) ? t : tile;
}

Result<void> Tiler::Impl::layout(int h, int w, int tile) {
    auto x = nn::tile::layout_axis(geo, w, tile, overlap(), settings.feather, ramp());
    KZ_TRY(x);
    auto y = nn::tile::layout_axis(geo, h, tile, overlap(), settings.feather, ramp());
    KZ_TRY(y);
    ax = std::move(*x);
    ay = std::move(*y);
    auto shape = backend->prepare(graph(), info().input_channels, ay.tile, ax.tile);
    KZ_TRY(shape);
    if (tile_in.width() != ax.tile || tile_in.height() != ay.tile) {
        tile_in = Tensor{};
        auto t = Tensor::create(info().input_channels, ay.tile, ax.tile);
        KZ_TRY(t);
        tile_in = std::move(*t);
    }
    if (tile_out.width() != shape->w || tile_out.height() != shape->h) {
        tile_out = Tensor{};
        auto t = Tensor::create(shape->c, shape->h, shape->w);
        KZ_TRY(t);
        tile_out = std::move(*t);
    }
    const int p = geo.margin();
    row_src.resize(static_cast<size_t>(ay.canonical));
    col_src.resize(static_cast<size_t>(ax.canonical));
    for (int r = 0; r < ay.canonical; ++r)
        row_src[static_cast<size_t>(r)] = nn::edge_index(r - p, h, info().edge_padding);
    for (int c = 0; c < ax.canonical; ++c)
        col_src[static_cast<size_t>(c)] = nn::edge_index(c - p, w, info().edge_padding);
    auto bytes = working_bytes(ax.tile, ay.tile);
    KZ_TRY(bytes);
    report.tile_width = ax.tile;
    report.tile_height = ay.tile;
    report.tiles_x = static_cast<int>(ax.tiles.size());
    report.tiles_y = static_cast<int>(ay.tiles.size());
    report.overlap_x = ax.overlap;
    report.overlap_y = ay.overlap;
    report.seams_x = ax.seams;
    report.seams_y = ay.seams;
    report.working_bytes = *bytes;
    report.passes = report.tiled() ? 1 + static_cast<int>(pools.size()) : 1;
    stats_plan = {};
    if (report.tiled() && !pools.empty()) {
        auto sp = nn::tile::plan_global_stats(graph(), pools, ax, ay);
        KZ_TRY(sp);
        stats_plan = std::move(*sp);
        overrides.reserve(pools.size());
    }
    height = h;
    width = w;
    ++layout_serial;
    return {};
}

Result<void> Tiler::Impl::run_tile(ConstTensorView input, int ix, int iy,
                                   const nn::RunControl& control) {
    const int x0 = ax.tiles[static_cast<size_t>(ix)].pos;
    const int y0 = ay.tiles[static_cast<size_t>(iy)].pos;
    const TensorView in = tile_in.view();
    const int* cols = col_src.data() + x0;
    nn::parallel_for(pool->get(), static_cast<size_t>(in.channels) * in.height, [&](size_t i) {
        const int c = static_cast<int>(i) / in.height;
        const int r = static_cast<int>(i) % in.height;
        const float* src = input.row(c, row_src[static_cast<size_t>(y0 + r)]);
        float* dst = in.row(c, r);
        for (int x = 0; x < in.width; ++x) dst[x] = src[cols[x]];
    });
    return backend->run(graph(), std::as_const(tile_in).view(), tile_out.view(), control);
}

void Tiler::Impl::blend_tile(int ix, int iy, TensorView output) {
    const AxisTile& tx = ax.tiles[static_cast<size_t>(ix)];
    const AxisTile& ty = ay.tiles[static_cast<size_t>(iy)];
    if (tx.begin == tx.end || ty.begin == ty.end) return;
    const ConstTensorView raw = std::as_const(tile_out).view();
    const int rows = ty.end - ty.begin;
    const int cols = tx.end - tx.begin;
    nn::parallel_for(pool->get(), static_cast<size_t>(output.channels) * rows, [&](size_t i) {
        const int c = static_cast<int>(i) / rows;
        const int r = static_cast<int>(i) % rows;
        const float wy = ty.weight[static_cast<size_t>(r)];
        const float* src = raw.row(c, ty.raw_offset + r) + tx.raw_offset;
        float* dst = output.row(c, ty.begin + r) + tx.begin;
        const float* wx = tx.weight.data();
        for (int x = 0; x < cols; ++x) dst[x] += wy * wx[x] * src[x];
    });
}

// One run's tiles: runs them through `tile` (final: the pass whose output is blended), counts
// them, and stops for cancel or deadline.
struct Tiler::Impl::FrameRun final : nn::tile::TileRunner {
    Tiler::Impl& m;
    const TileControl& control;
    TileProgress progress;
    std::function<Result<void>(int ix, int iy, const nn::RunControl& c, bool final)> tile;

    FrameRun(Tiler::Impl& impl, const TileControl& ctl) : m(impl), control(ctl) {}

    Result<void> run_tile(int ix, int iy, const nn::RunControl& c) override {
        return tile(ix, iy, c, false);
    }
    Result<void> after_tile() override {
        ++progress.tiles_done;
        if (control.on_progress) control.on_progress(progress);
        if (control.cancel && control.cancel->load(std::memory_order_relaxed))
            return make_error(Errc::cancelled, fmt::format("{}: cancelled", m.info().id));
        if (control.deadline && std::chrono::steady_clock::now() > *control.deadline)
            return make_error(Errc::timeout,
                              fmt::format("{}: stopped at tile {} of {}: past the deadline",
                                          m.info().id, progress.tiles_done, progress.tiles_total));
        return {};
    }
};

Result<void> Tiler::Impl::run_tiles(int h, int w, FrameRun& frame) {
    auto tile = choose_tile(h, w);
    KZ_TRY(tile);
    if (h != height || w != width || *tile != std::max(ax.tile, ay.tile) || ax.tiles.empty())
        KZ_TRY(layout(h, w, *tile));
    frame.progress.tiles_total = report.passes * report.tiles_x * report.tiles_y;
    overrides.clear();
    if (report.tiled() && !pools.empty()) {
        if (!unsupported_pools.empty())
            return make_error(Errc::unsupported,
                              fmt::format("{}: global max pooling cannot be tiled exactly; run "
                                          "the frame whole (a larger memory budget)",
                                          info().id));
        KZ_TRY(nn::tile::compute_global_means(stats_plan, *backend, frame, means, overrides, sums));
    }
    nn::RunControl final_control;
    final_control.overrides = overrides;
    for (int iy = 0; iy < report.tiles_y; ++iy) {
        for (int ix = 0; ix < report.tiles_x; ++ix) {
            KZ_TRY(frame.tile(ix, iy, final_control, true));
            KZ_TRY(frame.after_tile());
        }
    }
    return {};
}

Result<void> Tiler::Impl::run_once(ConstTensorView input, TensorView output,
                                   const TileControl& control) {
    // The closures capture one pointer, so std::function keeps them without allocating.
    struct Frame {
        Impl* m;
        ConstTensorView input;
        TensorView output;
    } f{this, input, output};
    FrameRun frame(*this, control);
    frame.tile = [&f](int ix, int iy, const nn::RunControl& c, bool final) -> Result<void> {
        KZ_TRY(f.m->run_tile(f.input, ix, iy, c));
        if (final) f.m->blend_tile(ix, iy, f.output);
        return {};
    };
    for (int c = 0; c < output.channels; ++c)
        for (int y = 0; y < output.height; ++y)
            std::memset(output.row(c, y), 0, sizeof(float) * static_cast<size_t>(output.width));
    KZ_TRY(run_tiles(input.height, input.width, frame));
    if (info().adds_nearest_input) {
        const int s = info().scale;
        for (int c = 0; c < output.channels; ++c)
            for (int y = 0; y < output.height; ++y) {
                float* dst = output.row(c, y);
                const float* src = input.row(c, y / s);
                for (int x = 0; x < output.width; ++x) dst[x] += src[x / s];
            }
    }
    return {};
}

// The same on the device: each tile's input gathered from p.input and its output blended into
// p.output inside the NN backend's command buffer (nn/tile/device_tiles.hpp).
Result<void> Tiler::Impl::run_once_device(const nn::tile::DevicePictures& p,
                                          const TileControl& control) {
    auto* vk = dynamic_cast<nn::VulkanBackend*>(backend.get());
    if (vk == nullptr)
        return make_error(Errc::unsupported, fmt::format("{}: the {} backend cannot run tiles on "
                                                         "the device",
                                                         info().id, backend->name()));
    if (!device_tiles) {
        auto made = nn::tile::DeviceTiles::create(vk->device().context(),
                                                  vk->precision() == NnPrecision::fp16
                                                      ? gpu::StoragePrecision::f16
                                                      : gpu::StoragePrecision::f32);
        KZ_TRY(made);
        device_tiles.emplace(std::move(*made));
        device_layout = 0;
    }
    // One tile's state; every closure captures one pointer to it, so std::function keeps them
    // without allocating.
    struct TileRun {
        Impl* m;
        nn::VulkanBackend* vk;
        nn::tile::DeviceTiles* dt;
        const nn::tile::DevicePictures* p;
        int ix = 0, iy = 0;
        bool final = false, first = false, last = false;
    } t{this, vk, &*device_tiles, &p};
    nn::VulkanDeviceIo io;
    io.write_input = [&t](gpu::CommandBuffer& cmd, const gpu::Buffer& arena,
                          size_t offset) -> Result<void> {
        t.dt->record_entry_barrier(cmd);
        t.dt->record_tables(cmd);
        if (t.first) t.dt->record_clear(cmd, *t.p);
        return t.dt->record_gather(cmd, *t.p, arena, offset, t.ix, t.iy);
    };
    io.read_output = [&t](gpu::CommandBuffer& cmd, const gpu::Buffer& arena,
                          size_t offset) -> Result<void> {
        if (!t.final) return {};
        KZ_TRY(t.dt->record_blend(cmd, *t.p, arena, offset, t.m->tile_out.width(),
                                  t.m->tile_out.height(), t.ix, t.iy));
        if (t.last && t.m->info().adds_nearest_input) KZ_TRY(t.dt->record_add_nearest(cmd, *t.p));
        return {};
    };
    struct Frame {
        TileRun* t;
        const nn::VulkanDeviceIo* io;
    } f{&t, &io};
    FrameRun frame(*this, control);
    frame.tile = [&f](int ix, int iy, const nn::RunControl& c, bool final) -> Result<void> {
        TileRun& t = *f.t;
        Impl& m = *t.m;
        if (m.device_layout != m.layout_serial) {
            KZ_TRY(t.dt->set_layout(m.ax, m.ay, m.row_src, m.col_src));
            m.device_layout = m.layout_serial;
        }
        t.ix = ix;
        t.iy = iy;
        t.final = final;
        t.first = final && ix == 0 && iy == 0;
        t.last = final && ix + 1 == m.report.tiles_x && iy + 1 == m.report.tiles_y;
        return t.vk->run_device(m.graph(), t.p->channels, m.ay.tile, m.ax.tile, *f.io, c);
    };
    return run_tiles(p.height, p.width, frame);
}

template <class Once>
Result<void> Tiler::Impl::run_halving(int h, int w, const Once& once) {
    report.events.clear();
    for (;;) {
        auto tile = choose_tile(h, w);
        KZ_TRY(tile);
        auto r = once();
        if (r || r.error().code != Errc::out_of_memory) return r;
        // Out of memory: halve the tile and start the frame again, down to the floor. The tile
        // named is the one tried (the report's may be older when preparing it failed).
        const int floor = std::min(floor_tile(), *tile);
        const int next = std::max(geo.accepted_at_most(*tile / 2), floor);
        const int tw = std::min(*tile, nn::tile::canonical_length(geo, w));
        const int th = std::min(*tile, nn::tile::canonical_length(geo, h));
        if (next >= *tile) {
            report.events.push_back(
                fmt::format("out of memory with {}x{} tiles ({}); no smaller tile is possible", tw,
                            th, r.error().message));
            return r;
        }
        report.events.push_back(
            fmt::format("out of memory with {}x{} tiles ({}): retrying with "
                        "{}x{}",
                        tw, th, r.error().message, std::min(next, tw), std::min(next, th)));
        tile_limit = next;
        ax.tiles.clear();  // force a new layout
        height = width = 0;
    }
}

Tiler::Tiler(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tiler::Tiler(Tiler&&) noexcept = default;
Tiler& Tiler::operator=(Tiler&&) noexcept = default;
Tiler::~Tiler() = default;

Result<Tiler> Tiler::create(const Model& model, const SessionOptions& session,
                            const TileSettings& settings) {
    return nn::tile::TilerAccess::create(model, session, settings, nullptr);
}

Result<Tiler> nn::tile::TilerAccess::create(const Model& model, const SessionOptions& session,
                                            const TileSettings& settings,
                                            std::shared_ptr<VulkanDevice> device) {
    const ModelInfo& mi = model.info();
    if (settings.tile_size != 0 && (settings.tile_size < 32 || settings.tile_size > 4096))
        return make_error(
            Errc::invalid_argument,
            fmt::format("tile size {} is outside [32, 4096] (0 = automatic)", settings.tile_size));
    if (settings.feather < 0 || settings.feather > 256)
        return make_error(Errc::invalid_argument,
                          fmt::format("tile feather {} is outside [0, 256]", settings.feather));
    if (settings.overlap != -1 &&
        (settings.overlap < 2 * mi.input_padding || settings.overlap > 1024))
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: tile overlap {} is outside [{}, 1024] (-1 = automatic)",
                                      mi.id, settings.overlap, 2 * mi.input_padding));
    if (settings.min_tile_size < 16 || settings.min_tile_size > 4096)
        return make_error(
            Errc::invalid_argument,
            fmt::format("minimum tile size {} is outside [16, 4096]", settings.min_tile_size));
    auto impl = std::make_unique<Tiler::Impl>();
    impl->model = nn::ModelAccess::impl(model);
    impl->session = session;
    impl->settings = settings;
    impl->geo = nn::tile::ModelGeometry::of(mi);
    if (settings.tile_size > 0) {
        // Neighbouring tiles share `overlap` pixels on each side, so a tile must exceed twice it.
        const int overlap = impl->overlap();
        const int smallest = impl->geo.accepted_at_least(2 * overlap + 1);
        if (impl->geo.accepted_at_most(settings.tile_size) < smallest)
            return make_error(Errc::invalid_argument,
                              fmt::format("{}: tile size {} is too small: tiles overlap by {} "
                                          "input pixels here, so they need at least {}",
                                          mi.id, settings.tile_size, overlap, smallest));
    }
    auto made = nn::make_pooled_backend(session.backend, session.threads, std::move(device),
                                        session.precision);
    KZ_TRY(made);
    impl->pool = std::move(made->pool);
    impl->backend = std::move(made->backend);
    impl->pools = nn::tile::find_global_pools(impl->graph(), &impl->unsupported_pools);
    return Tiler(std::move(impl));
}

const ModelInfo& Tiler::info() const noexcept {
    return impl_->info();
}

const TileSettings& Tiler::settings() const noexcept {
    return impl_->settings;
}

void Tiler::set_memory_budget(uint64_t bytes) noexcept {
    if (impl_->settings.memory_bytes == bytes) return;
    impl_->settings.memory_bytes = bytes;
    impl_->tile_limit = 0;  // a new budget may allow larger tiles again
    impl_->ax.tiles.clear();
}

const char* Tiler::backend_name() const noexcept {
    return impl_->backend->name();
}

const TileReport& Tiler::last_report() const noexcept {
    return impl_->report;
}

Result<TileReport> Tiler::plan(int height, int width) const {
    const Impl& m = *impl_;
    auto tile = m.choose_tile(height, width);
    KZ_TRY(tile);
    const auto ramp =
        m.settings.raised_cosine ? nn::tile::Ramp::raised_cosine : nn::tile::Ramp::linear;
    auto ax = nn::tile::layout_axis(m.geo, width, *tile, m.overlap(), m.settings.feather, ramp);
    KZ_TRY(ax);
    auto ay = nn::tile::layout_axis(m.geo, height, *tile, m.overlap(), m.settings.feather, ramp);
    KZ_TRY(ay);
    auto bytes = m.working_bytes(ax->tile, ay->tile);
    KZ_TRY(bytes);
    TileReport r;
    r.tile_width = ax->tile;
    r.tile_height = ay->tile;
    r.tiles_x = static_cast<int>(ax->tiles.size());
    r.tiles_y = static_cast<int>(ay->tiles.size());
    r.overlap_x = ax->overlap;
    r.overlap_y = ay->overlap;
    r.seams_x = ax->seams;
    r.seams_y = ay->seams;
    r.working_bytes = *bytes;
    r.passes = r.tiled() ? 1 + static_cast<int>(m.pools.size()) : 1;
    return r;
}

Result<void> Tiler::run(ConstTensorView input, TensorView output, const TileControl& control) {
    Impl& m = *impl_;
    const ModelInfo& mi = m.info();
    if (input.data == nullptr || input.channels != mi.input_channels || input.height < 1 ||
        input.width < 1 || input.plane_stride < static_cast<ptrdiff_t>(input.height) * input.width)
        return make_error(
            Errc::invalid_argument,
            fmt::format("{}: bad input view {}x{}x{} (the model takes {} channels)", mi.id,
                        input.channels, input.height, input.width, mi.input_channels));
    if (output.data == nullptr || output.channels != mi.output_channels ||
        output.height != input.height * mi.scale || output.width != input.width * mi.scale ||
        output.plane_stride < static_cast<ptrdiff_t>(output.height) * output.width)
        return make_error(
            Errc::invalid_argument,
            fmt::format("{}: output view is {}x{}x{}, the input {}x{} gives {}x{}x{}", mi.id,
                        output.channels, output.height, output.width, input.width, input.height,
                        mi.output_channels, input.height * mi.scale, input.width * mi.scale));
    return m.run_halving(input.height, input.width,
                         [&] { return m.run_once(input, output, control); });
}

bool nn::tile::TilerAccess::runs_on(const Tiler& tiler, const gpu::Context& context) {
    const auto* vk = dynamic_cast<const VulkanBackend*>(tiler.impl_->backend.get());
    return vk != nullptr && &vk->device().context() == &context;
}

NnPrecision nn::tile::TilerAccess::precision(const Tiler& tiler) {
    const auto* vk = dynamic_cast<const VulkanBackend*>(tiler.impl_->backend.get());
    return vk != nullptr ? vk->precision() : NnPrecision::fp32;
}

Result<void> nn::tile::TilerAccess::run_device(Tiler& tiler, const DevicePictures& p,
                                               const TileControl& control) {
    Tiler::Impl& m = *tiler.impl_;
    const ModelInfo& mi = m.info();
    const uint64_t in_bytes = uint64_t{4} * mi.input_channels * p.height * p.width;
    if (p.input == nullptr || p.output == nullptr || p.channels != mi.input_channels ||
        p.channels != mi.output_channels || p.scale != mi.scale || p.height < 1 || p.width < 1 ||
        p.input->size() < in_bytes || p.output->size() < in_bytes * mi.scale * mi.scale)
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: device pictures of {}x{}x{} (x{}) do not fit the model",
                                      mi.id, p.channels, p.height, p.width, p.scale));
    return m.run_halving(p.height, p.width, [&] { return m.run_once_device(p, control); });
}

}  // namespace kizuna
