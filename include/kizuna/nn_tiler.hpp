// Tiled neural upscaling of a whole picture within a memory budget.
//
// A Tiler runs a model on overlapping tiles of one size (so one prepared plan serves them all)
// and blends them into the output. It is exact by construction: neighbouring tiles overlap by
// enough that every output pixel is taken from tiles that saw the model's whole receptive field
// of real picture (ModelInfo::receptive_radius), so the tiled output equals the untiled one up to
// float rounding. The picture's own borders are extended by the model's edge padding (replicate or
// reflect) by at least that radius before the model runs, so border pixels never see a
// convolution's zero padding. Models with global pooling (Real-CUGAN, waifu2x cunet) get the
// whole frame's pooled statistics in every tile, computed in a first pass, so their colours do
// not change from tile to tile. The untiled result is one "tile" covering the extended frame.
//
// Memory: with a budget, the tile is the largest size whose working memory (the activations of
// one tile plus its input and output buffers) fits; a frame that fits whole runs untiled. Out of
// memory while running, the tile is halved and the frame started again, down to a floor; each
// halving is reported.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/models.hpp"
#include "kizuna/nn_session.hpp"
#include "kizuna/tensor.hpp"

namespace kizuna {

namespace nn::tile {
struct TilerAccess;  // internal (src/nn/tile/tiler_access.hpp)
}

struct TileSettings {
    // Input pixels per tile side; 0 = the largest that fits memory_bytes (whole frame when it
    // fits). Otherwise [32, 4096], rounded down to a size the model accepts; a frame smaller
    // than the tile runs whole.
    int tile_size = 0;
    // Input pixels shared by neighbouring tiles; -1 = automatic: 2 * margin + feather, where
    // margin = max(receptive_radius, input_padding), so blending only mixes exact values. A
    // smaller forced overlap is allowed (at least 2 * input_padding): the ramp then hides
    // what a hard cut would show, and the output is no longer exact near tile boundaries.
    int overlap = -1;
    // Width of the blending ramp in input pixels, when the overlap leaves room for it ([0, 256]).
    int feather = 8;
    // true: raised-cosine ramp; false: linear.
    bool raised_cosine = true;
    // Working memory the tiler may use (bytes, activations and tile buffers; the model's weights
    // and the caller's input and output are not counted); 0 = no limit.
    uint64_t memory_bytes = 0;
    // Smallest tile the out-of-memory halving may reach (input pixels; raised to what the
    // overlap needs).
    int min_tile_size = 64;
};

// How a run() went.
struct TileReport {
    int tile_width = 0;  // input pixels (the whole extended frame when untiled)
    int tile_height = 0;
    int tiles_x = 0;
    int tiles_y = 0;
    int overlap_x = 0;  // smallest overlap between neighbours (0 with one tile on that axis)
    int overlap_y = 0;
    int passes = 1;  // 1 + the statistics passes of global pooling (tiled runs only)
    // Output columns / rows (of the scaled picture) where neighbouring tiles hand over: the
    // centre of each blend band, left to right / top to bottom.
    std::vector<int> seams_x;
    std::vector<int> seams_y;
    uint64_t working_bytes = 0;  // estimated working memory of the tile size used
    // What happened on the way, one line each, e.g. "out of memory with 512x512 tiles (cannot
    // allocate ...): retrying with 256x256".
    std::vector<std::string> events;
    bool tiled() const noexcept { return tiles_x * tiles_y > 1; }
};

struct TileProgress {
    int tiles_done = 0;  // over all passes
    int tiles_total = 0;
};

// Per-run control. Checked between tiles.
struct TileControl {
    const std::atomic<bool>* cancel = nullptr;  // set to stop: Errc::cancelled
    // Passing it stops the run with Errc::timeout (the export's watchdog).
    std::optional<std::chrono::steady_clock::time_point> deadline;
    // Called after every tile, on the calling thread.
    std::function<void(const TileProgress&)> on_progress;
};

// Move-only. One thread at a time; tilers of the same Model may run on different threads.
class Tiler {
public:
    // backend/threads come from `session` (exact_size and max_sizes are ignored). Errors:
    // invalid_argument (settings out of range), unsupported (backend not available).
    static Result<Tiler> create(const Model& model, const SessionOptions& session,
                                const TileSettings& settings = {});

    Tiler(Tiler&&) noexcept;
    Tiler& operator=(Tiler&&) noexcept;
    ~Tiler();

    const ModelInfo& info() const noexcept;
    const TileSettings& settings() const noexcept;
    // Changes TileSettings::memory_bytes for the following runs (e.g. once the frame size, and so
    // what the rest of a job holds, is known).
    void set_memory_budget(uint64_t bytes) noexcept;
    // "xnnpack", "reference" or "vulkan".
    const char* backend_name() const noexcept;

    // The layout run() would use for a picture of height x width (no pixels touched, nothing
    // allocated beyond a plan). Errors: invalid_argument, out_of_memory (the smallest tile does
    // not fit the budget: the message says how much it needs).
    Result<TileReport> plan(int height, int width) const;

    // Upscales input (info().input_channels x H x W planar RGB, gamma-encoded, in [0, 1]) into
    // output (output_channels x scale*H x scale*W, caller-owned, not overlapping the input).
    // Buffers are kept between runs, so steady-state runs at one size allocate nothing. Errors:
    // invalid_argument, out_of_memory (after the halving reached the floor), cancelled, timeout,
    // unsupported; the output is then unspecified.
    Result<void> run(ConstTensorView input, TensorView output, const TileControl& control = {});

    // What the last run() did (also after an error).
    const TileReport& last_report() const noexcept;

private:
    struct Impl;
    friend struct nn::tile::TilerAccess;
    explicit Tiler(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace kizuna
