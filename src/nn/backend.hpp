// Execution backends for a Graph: the plain C++ reference and faster ones (XNNPACK, ...).
#pragma once

#include <memory>
#include <span>

#include "kizuna/error.hpp"
#include "kizuna/models.hpp"
#include "kizuna/tensor.hpp"
#include "nn/graph/graph.hpp"
#include "nn/thread_pool.hpp"

namespace kizuna::nn {

class VulkanDevice;  // nn/vulkan/vk_device.hpp

// Runs a graph on one input size at a time. A backend caches its per-graph and per-size state
// (plan, buffers, operators) between calls, keyed on the Graph's address, its fingerprint and
// the input size: the caller keeps the graph alive and unchanged while the backend may use it.
// run() at the graph and size of the last prepare() allocates nothing. Not thread-safe: one
// backend object per thread.
// What a run may do besides the plain forward pass. The tiler uses it to give tiles the
// whole-frame statistics of global-pooling layers (nn/tile/global_stats.hpp).
struct RunControl {
    // A layer whose single output is supplied instead of computed.
    struct Override {
        int layer = -1;                 // index into Graph::layers
        const float* values = nullptr;  // the output's C x H x W values, in that order
    };
    std::span<const Override> overrides;  // any order; each layer at most once
    // Run layers [0, stop_before) only; -1 runs them all. A stopped run does not write the
    // output view; the blobs the layer at stop_before reads can then be read with sum_blob().
    int stop_before = -1;
};

class Backend {
public:
    virtual ~Backend() = default;

    // Short name for logs, e.g. "reference", "xnnpack".
    virtual const char* name() const noexcept = 0;

    // Plans `graph` for an input of channels x height x width and returns the output shape.
    // Does nothing but return the shape when graph and size are those of the last call.
    // Errors: invalid_argument (a size the model cannot take, see infer_shapes), unsupported (a
    // layer or parameter this backend lacks, naming the layer), out_of_memory.
    virtual Result<Shape> prepare(const Graph& graph, int channels, int height, int width) = 0;

    // Runs the graph on `input` (C x H x W, any plane_stride >= H*W) into `output`, which must
    // have the shape prepare() gives for that size (any plane_stride >= its H*W) and must not
    // overlap the input. Prepares first when the graph or size changed. Errors as prepare(),
    // and invalid_argument for views of the wrong shape or a bad control (an override of a
    // layer without exactly one output, stop_before out of range).
    virtual Result<void> run(const Graph& graph, ConstTensorView input, TensorView output,
                             const RunControl& control) = 0;
    Result<void> run(const Graph& graph, ConstTensorView input, TensorView output) {
        return run(graph, input, output, RunControl{});
    }

    // After a run stopped before layer L (RunControl::stop_before): adds to sums[c] the sum of
    // channel c of `blob` (an input of layer L) over rows [y0, y1) and columns [x0, x1).
    // sums.size() must equal the blob's channels. Errors: invalid_argument (no stopped run, a
    // blob layer L does not read, a region outside the blob). Does not allocate.
    virtual Result<void> sum_blob(int blob, int y0, int y1, int x0, int x1,
                                  std::span<double> sums) const = 0;

    // Device memory: a backend whose working memory lives on a device (Vulkan) returns the bytes
    // it may use there, fixed when it was created; 0 = it runs in host memory, which the caller's
    // own budget covers. device_bytes() is what an input of channels x height x width would
    // take there (weights included; UINT64_MAX when the device cannot address it at all); 0
    // from host backends. The tiler picks tiles that fit both.
    virtual uint64_t device_budget() const noexcept { return 0; }
    virtual Result<uint64_t> device_bytes(const Graph& graph, int channels, int height,
                                          int width) const {
        (void)graph, (void)channels, (void)height, (void)width;
        return uint64_t{0};
    }

    // Convenience for tests and tools: prepares, re-creates `output` when its shape differs
    // from the output shape, and runs.
    Result<void> run(const Graph& graph, ConstTensorView input, Tensor& output);
};

// Checks views against the prepared shapes: invalid_argument "<who>: ..." naming both shapes.
Result<void> check_run_views(const char* who, ConstTensorView input, int channels, int height,
                             int width, TensorView output, const Shape& output_shape);

// Checks a RunControl against the graph: invalid_argument "<who>: ..." for an override of a
// layer out of range or without exactly one output, or stop_before out of [-1, layers).
Result<void> check_run_control(const char* who, const Graph& graph, const RunControl& control);

// Checks a sum_blob() request: the backend stopped before layer `stopped_at` (-1: it did not
// stop), `blob` is one of its inputs with shape `shape`, and the region lies inside it.
Result<void> check_sum_blob(const char* who, const Graph& graph, int stopped_at, int blob,
                            const Shape& shape, int y0, int y1, int x0, int x1, size_t channels);

// The reference backend (ref/ref_backend.cpp): plain loops, the definition of correct output.
// threads: 0 = all hardware threads (its pool is started by the first prepare(), which reports
// a failure to start it); results are bit-identical for any thread count. With `pool` given, it
// runs on that pool (shared with other backends) and `threads` is ignored.
std::unique_ptr<Backend> make_reference_backend(int threads, std::shared_ptr<ThreadPool> pool = {});

// The XNNPACK backend (xnnpack/xnnpack_backend.cpp), ordinary convolutions on our direct
// kernel where the CPU allows. threads and pool as for the reference backend.
Result<std::unique_ptr<Backend>> make_xnnpack_backend(int threads,
                                                      std::shared_ptr<ThreadPool> pool = {});

// The Vulkan compute backend (vulkan/vk_backend.cpp) on `device` (shared with other backends:
// one VkDevice, the weights uploaded once), or when null on a device of its own, the best Vulkan
// device, a software one (lavapipe) included: make it only when the user named it. precision as
// VulkanBackendOptions::precision. Errors: not_found / unsupported (no usable Vulkan device,
// saying why; fp16 asked for on a device without it), out_of_memory, device_error.
Result<std::unique_ptr<Backend>> make_vulkan_backend(std::shared_ptr<VulkanDevice> device = {},
                                                     NnPrecision precision = NnPrecision::fp32);

// The backend of `kind` (threads and pool as for make_reference_backend; the Vulkan backend
// uses neither, and runs on `device` in `precision` as make_vulkan_backend; other kinds ignore
// both and compute in fp32). Errors: unsupported (not part of this build), and those of the
// factories.
Result<std::unique_ptr<Backend>> make_backend(NnBackendKind kind, int threads,
                                              std::shared_ptr<ThreadPool> pool = {},
                                              std::shared_ptr<VulkanDevice> device = {},
                                              NnPrecision precision = NnPrecision::fp32);

// A backend of `kind` on a new pool of `threads` threads (<= 0: all hardware threads), and that
// pool, for owners that make more backends on it (Session, Tiler). For the Vulkan kind, `device`
// is the device to run on, or when null a new one (the best Vulkan device, software included):
// either way it is returned, for the owner's further backends. Errors: those of
// ThreadPool::create, VulkanDevice::create and make_backend.
struct PooledBackend {
    std::shared_ptr<ThreadPool> pool;
    std::unique_ptr<Backend> backend;
    std::shared_ptr<VulkanDevice> device;  // the Vulkan kind only
};
Result<PooledBackend> make_pooled_backend(NnBackendKind kind, int threads,
                                          std::shared_ptr<VulkanDevice> device = {},
                                          NnPrecision precision = NnPrecision::fp32);

}  // namespace kizuna::nn
