// Execution backends for a Graph: the plain C++ reference and faster ones (XNNPACK, ...).
#pragma once

#include <memory>

#include "kizuna/error.hpp"
#include "kizuna/tensor.hpp"
#include "nn/graph/graph.hpp"
#include "nn/thread_pool.hpp"

namespace kizuna::nn {

// Runs a graph on one input size at a time. A backend caches its per-graph and per-size state
// (plan, buffers, operators) between calls, keyed on the Graph's address, its fingerprint and
// the input size: the caller keeps the graph alive and unchanged while the backend may use it.
// run() at the graph and size of the last prepare() allocates nothing. Not thread-safe: one
// backend object per thread.
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
    // and invalid_argument for views of the wrong shape.
    virtual Result<void> run(const Graph& graph, ConstTensorView input, TensorView output) = 0;

    // Convenience for tests and tools: prepares, re-creates `output` when its shape differs
    // from the output shape, and runs.
    Result<void> run(const Graph& graph, ConstTensorView input, Tensor& output);
};

// Checks views against the prepared shapes: invalid_argument "<who>: ..." naming both shapes.
Result<void> check_run_views(const char* who, ConstTensorView input, int channels, int height,
                             int width, TensorView output, const Shape& output_shape);

// The reference backend (ref/ref_backend.cpp): plain loops, the definition of correct output.
// threads: 0 = all hardware threads (its pool is started by the first prepare(), which reports
// a failure to start it); results are bit-identical for any thread count. With `pool` given, it
// runs on that pool (shared with other backends) and `threads` is ignored.
std::unique_ptr<Backend> make_reference_backend(int threads, std::shared_ptr<ThreadPool> pool = {});

// The XNNPACK backend (xnnpack/xnnpack_backend.cpp), ordinary convolutions on our direct
// kernel where the CPU allows. threads and pool as for the reference backend.
Result<std::unique_ptr<Backend>> make_xnnpack_backend(int threads,
                                                      std::shared_ptr<ThreadPool> pool = {});

}  // namespace kizuna::nn
