// A session runs one loaded model again and again, as a tiler does: it owns a backend (the
// reference or XNNPACK, on its own threads) and keeps what it prepared for each input size it
// has seen (plan, activation buffers, XNNPACK operators, padded-input and raw-output buffers),
// so that a run at such a size allocates nothing and sets nothing up again.
#pragma once

#include <memory>

#include "kizuna/error.hpp"
#include "kizuna/models.hpp"
#include "kizuna/tensor.hpp"

namespace kizuna {

// Channels, height and width of a tensor.
struct TensorShape {
    int channels = 0;
    int height = 0;
    int width = 0;

    bool operator==(const TensorShape&) const = default;
};

struct SessionOptions {
    NnBackendKind backend = NnBackendKind::reference;
    int threads = 0;  // <= 0: all hardware threads; at most 1024
    // true: run() takes any input size and gives scale x that size, padding the input with the
    // model's edge padding and cropping as run_model() does (RunOptions::exact_size). false:
    // the input must be a size the model accepts, and the output is the graph's raw output
    // (ModelInfo: scale * n - 2 * output_border per dimension).
    bool exact_size = true;
    // Input sizes kept prepared at once (>= 1). A run at a new size beyond this drops the state
    // of the size least recently run. Each kept size holds its own activation buffers and, on
    // XNNPACK, its own operators (packed weights); on Vulkan every size runs on the session's
    // one device, where the weights are uploaded once.
    int max_sizes = 2;
    // The Vulkan backend's number format (NnPrecision; kizuna/models.hpp), for Session and
    // Tiler. The CPU backends compute in fp32 whatever this says.
    NnPrecision precision = NnPrecision::fp32;
};

// Move-only. One session is used by one thread at a time; sessions of the same Model may run
// on different threads at once. The session shares ownership of the model's graph, so it
// stays valid after the Model object is destroyed or moved.
class Session {
public:
    // Errors: invalid_argument (threads or max_sizes out of range), unsupported (the XNNPACK
    // backend is not built in or cannot run on this CPU), out_of_memory.
    static Result<Session> create(const Model& model, const SessionOptions& options = {});

    Session(Session&&) noexcept;
    Session& operator=(Session&&) noexcept;
    ~Session();

    const ModelInfo& info() const noexcept;
    const SessionOptions& options() const noexcept;

    // The shape run() writes for an input of height x width (channels: info().input_channels).
    // Errors: invalid_argument for a size the model cannot take (raw mode) or below 1. Does
    // not allocate for a size already prepared.
    Result<TensorShape> output_shape(int height, int width) const;

    // Runs the model on `input` (info().input_channels x H x W planar RGB in [0, 1], any
    // plane_stride >= H*W) into `output`, which the caller owns and which must have
    // output_shape(H, W) (any plane_stride >= its H*W) and not overlap the input. The first run
    // at a size prepares it (allocating); later runs at a prepared size allocate nothing.
    // Errors: invalid_argument (wrong channels or view shapes, a size the model cannot take),
    // unsupported (a layer the backend lacks), out_of_memory; the output is then unspecified.
    Result<void> run(ConstTensorView input, TensorView output);

private:
    struct Impl;
    explicit Session(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace kizuna
