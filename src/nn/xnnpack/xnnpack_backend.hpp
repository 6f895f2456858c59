// The XNNPACK CPU backend: XNNPACK's operator-level API (not its subgraph API) on NHWC buffers
// planned once per input size, plus our own kernels for what the 2022 snapshot lacks (nearest
// resize, ncnn-order pixel shuffle, crop, concat) or does slower (ordinary convolutions on
// AVX-512 and AVX2: direct_conv.hpp), and each remaining layer's reference forward on NCHW copies.
//
// Lifetime: operators are created (weights packed) once per graph, and set up once per input
// size; run() on the same graph and size allocates nothing. The graph is converted to NHWC at
// the input and back to NCHW at the output only. Results are bit-identical for any thread
// count and across runs. Not thread-safe: one object per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nn/backend.hpp"
#include "nn/xnnpack/xnnpack_handles.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn {

class XnnpackBackend final : public Backend {
public:
    // threads: 0 = all hardware threads. direct_conv: ordinary convolutions run on our own
    // kernel (direct_conv.hpp, with a following PReLU fused) when the CPU has AVX2 or AVX-512;
    // false keeps every convolution on XNNPACK (for comparisons). pool: run on this pool
    // (shared with other backends; `threads` is then ignored) instead of starting one. Fails if
    // XNNPACK cannot initialise on this CPU.
    static Result<std::unique_ptr<XnnpackBackend>> create(int threads, bool direct_conv = true,
                                                          std::shared_ptr<ThreadPool> pool = {});
    ~XnnpackBackend() override;

    const char* name() const noexcept override { return "xnnpack"; }
    // Creates the operators (packing weights) when the graph changes, and sets them up when the
    // size changes.
    Result<Shape> prepare(const Graph& graph, int channels, int height, int width) override;
    Result<void> run(const Graph& graph, ConstTensorView input, TensorView output,
                     const RunControl& control) override;
    using Backend::run;
    Result<void> sum_blob(int blob, int y0, int y1, int x0, int x1,
                          std::span<double> sums) const override;

    // Layers of the current graph that run on the reference backend, as
    // "<type> '<name>' (line N): <reason>", in graph order. Empty before the first prepare().
    const std::vector<std::string>& fallback_layers() const noexcept { return fallbacks_; }
    // Bytes of the planned NHWC activation arena for the current size.
    size_t arena_bytes() const noexcept { return arena_bytes_; }
    int threads() const noexcept { return pool_->threads(); }

    // Opt-in per-layer timing (off by default; costs one clock read per layer when on).
    // step_ms()[i] accumulates wall milliseconds spent in graph.layers[i] over the runs since
    // profiling was switched on.
    void set_profiling(bool on);
    const std::vector<double>& step_ms() const noexcept { return step_ms_; }

private:
    XnnpackBackend() = default;
    Result<void> compile(const Graph& graph);
    Result<void> plan(int channels, int height, int width);
    xnn::NhwcView view_of(int blob) const;

    struct FreeArena {
        void operator()(float* p) const noexcept;
    };

    std::shared_ptr<ThreadPool> pool_;
    bool direct_conv_ = true;
    std::vector<Placement> placement_;  // per layer, for make_plan: fused PReLU in place,
                                        // channel concat read by direct convolutions elided
    const Graph* graph_ = nullptr;
    uint64_t fingerprint_ = 0;  // graph_fingerprint() of graph_: a new graph at a reused address
    std::vector<std::unique_ptr<xnn::Step>> steps_;  // one per layer, in graph order
    std::vector<std::string> fallbacks_;
    Plan plan_;
    bool planned_ = false;
    std::unique_ptr<float, FreeArena> arena_;
    size_t arena_bytes_ = 0;
    int stopped_at_ = -1;  // the layer the last run stopped before, or -1
    bool profiling_ = false;
    std::vector<double> step_ms_;
};

}  // namespace kizuna::nn
