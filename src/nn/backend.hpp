// Execution backends for a Graph: the plain C++ reference and faster ones (XNNPACK, ...).
#pragma once

#include <memory>

#include "kizuna/error.hpp"
#include "kizuna/tensor.hpp"
#include "nn/graph/graph.hpp"

namespace kizuna::nn {

// Runs a graph on one input. A backend may cache per-graph and per-size state (operators,
// buffers) between calls, keyed on the Graph's address and the input size: the caller keeps the
// graph alive and unchanged while the backend may use it. Calling run() again with the same
// graph and size must not allocate. Not thread-safe: one backend object per thread.
class Backend {
public:
    virtual ~Backend() = default;

    // Short name for logs, e.g. "reference", "xnnpack".
    virtual const char* name() const noexcept = 0;

    // input: C x H x W with C = the graph's input channels (3 for every shipped model), any
    // plane_stride >= H*W. output: resized (Tensor::create) only when its shape differs from
    // the plan's output shape, then filled. Errors: invalid_argument (size the model cannot
    // take, see infer_shapes), unsupported (a layer or parameter this backend lacks, naming
    // the layer), out_of_memory.
    virtual Result<void> run(const Graph& graph, ConstTensorView input, Tensor& output) = 0;
};

// The reference backend (ref_backend.cpp): plain loops, the definition of correct output.
// threads: 0 = all hardware threads; results are bit-identical for any thread count.
std::unique_ptr<Backend> make_reference_backend(int threads);

// The XNNPACK backend, defined in xnnpack_backend.cpp. threads: 0 = all hardware threads.
Result<std::unique_ptr<Backend>> make_xnnpack_backend(int threads);

}  // namespace kizuna::nn
