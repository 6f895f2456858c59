// The Vulkan compute backend for a Graph: every layer as a compute shader (shaders/nn_*.comp),
// weights packed and uploaded once per graph, activations in one device buffer laid out by the
// buffer plan (make_plan), and one command buffer per run (a tile) with a barrier between
// dependent dispatches and no CPU round trip between layers. Weights and activations are fp32,
// or fp16 where the device has 16-bit storage buffers (VulkanBackendOptions::precision); the
// arithmetic is fp32 in both. In fp16 the host converts the input and the blobs it reads back
// (round to nearest even, and exact widening) while staging them, so transfers halve too.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gpu/buffer.hpp"
#include "gpu/command_buffer.hpp"
#include "gpu/context.hpp"
#include "kizuna/models.hpp"
#include "nn/backend.hpp"
#include "nn/vulkan/vk_device.hpp"
#include "nn/vulkan/vk_pipelines.hpp"
#include "nn/vulkan/vk_steps.hpp"
#include "nn/vulkan/vk_weights.hpp"

namespace kizuna::nn {

struct VulkanBackendOptions {
    // Accept a software device (lavapipe) when it is the best one there is. The backend is only
    // made when the user asked for it by name, so this is on by default; automatic choices
    // must not pick the Vulkan backend on a software device.
    bool allow_software_device = true;
    // The device to run on, shared with other backends (and its weights with them); null: a
    // device of the backend's own (allow_software_device applies then).
    std::shared_ptr<VulkanDevice> device;
    vk::Fault fault = vk::Fault::none;  // tests only: a fault injected into a shader
    // automatic: fp16 where the device has storageBuffer16BitAccess, else fp32. fp16 on a
    // device without it: create() fails (unsupported), saying so. The library's default is
    // fp32 (results within 1e-4 of the reference); the CLI and the benchmarks ask for
    // automatic unless told otherwise.
    NnPrecision precision = NnPrecision::fp32;
};

// A run whose input and output stay on the device (the device-resident tiler): what replaces
// the input's upload and the output's download in the run's one command buffer. Each hook
// receives the command buffer being recorded, the activation arena and the byte offset of the
// blob in it (planes, tight, of the backend's precision(): fp32, or fp16 values of 2 bytes).
struct VulkanDeviceIo {
    // Records the writing of the input blob; recorded first, followed by a barrier to the layers.
    std::function<Result<void>(gpu::CommandBuffer&, const gpu::Buffer& arena, size_t offset)>
        write_input;
    // Records the reading of the output blob, after a barrier behind the last layer (not called
    // for a run stopped by RunControl::stop_before).
    std::function<Result<void>(gpu::CommandBuffer&, const gpu::Buffer& arena, size_t offset)>
        read_output;
};

class VulkanBackend final : public Backend {
public:
    // Creates the Vulkan device (unless options.device gives one) and the pipelines. Errors:
    // not_found / unsupported (no usable Vulkan device, saying why), out_of_memory, device_error.
    static Result<std::unique_ptr<VulkanBackend>> create(const VulkanBackendOptions& options);
    ~VulkanBackend() override;

    const char* name() const noexcept override { return "vulkan"; }
    Result<Shape> prepare(const Graph& graph, int channels, int height, int width) override;
    using Backend::run;
    Result<void> run(const Graph& graph, ConstTensorView input, TensorView output,
                     const RunControl& control) override;
    Result<void> sum_blob(int blob, int y0, int y1, int x0, int x1,
                          std::span<double> sums) const override;
    // The device's memory budget when the backend was created (gpu::Context::memory_budget()).
    uint64_t device_budget() const noexcept override { return budget_.bytes; }
    // Weights, the activation arena, and the staging buffers (the input; the download buffer
    // is arena-sized): all counted, since on integrated GPUs and lavapipe they share one heap.
    Result<uint64_t> device_bytes(const Graph& graph, int channels, int height,
                                  int width) const override;

    // A run of `graph` on an input of channels x height x width whose input blob io.write_input
    // writes and whose output io.read_output reads, on the device; overrides (RunControl) are
    // still uploaded and a stopped run's blobs still come back for sum_blob(). The work has
    // completed when this returns. Errors as run().
    Result<void> run_device(const Graph& graph, int channels, int height, int width,
                            const VulkanDeviceIo& io, const RunControl& control);
    const VulkanDevice& device() const noexcept { return *device_; }

    // Drops what was prepared for the last graph (weights, plan), so that the next prepare()
    // starts afresh: for a caller that destroys a graph and may build another at its address
    // with the same fingerprint (tests of one-layer graphs differing only in parameters).
    void forget_graph() noexcept {
        if (graph_) device_->forget(*graph_);
        graph_ = nullptr;
        planned_ = false;
    }

    // The device's name, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)".
    const std::string& device_name() const noexcept;
    // The precision in use: fp32 or fp16 (never automatic).
    NnPrecision precision() const noexcept { return fp16_ ? NnPrecision::fp16 : NnPrecision::fp32; }
    // GPU time of the last run's command buffer in milliseconds (upload and download
    // included), from timestamps; -1 when the device has none.
    double last_gpu_ms() const noexcept { return last_gpu_ms_; }

private:
    VulkanBackend() = default;
    Result<void> compile(const Graph& graph);
    Result<void> plan(int channels, int height, int width);
    void record_layer(size_t layer);
    // run() (input and output given) and run_device() (io given).
    Result<void> run_any(const Graph& graph, const ConstTensorView* input, TensorView* output,
                         int channels, int height, int width, const VulkanDeviceIo* io,
                         const RunControl& control);
    // Bytes in the device buffers of what the plan counts as fp32_bytes (fp32 values).
    size_t device_size(size_t fp32_bytes) const noexcept {
        return fp16_ ? fp32_bytes / 2 : fp32_bytes;
    }

    VulkanBackendOptions options_;
    std::shared_ptr<VulkanDevice> device_;  // declared first: destroyed last
    gpu::Context* context_ = nullptr;       // device_'s
    vk::Pipelines pipelines_;
    gpu::CommandBuffer cmd_;
    gpu::TimestampPool timestamps_;  // empty when the device has none
    bool have_timestamps_ = false;
    bool fp16_ = false;               // arena and weights hold fp16
    gpu::DeviceMemoryBudget budget_;  // at create()

    const Graph* graph_ = nullptr;
    uint64_t fingerprint_ = 0;
    std::shared_ptr<const VulkanWeights> weights_;  // of graph_, shared through device_
    bool planned_ = false;
    Plan plan_;
    std::vector<std::vector<vk::Step>> steps_;
    gpu::Buffer arena_;
    gpu::Buffer upload_;
    gpu::Buffer download_;  // arena-sized: blobs come back at their arena offsets
    int stopped_at_ = -1;
    double last_gpu_ms_ = -1;
};

}  // namespace kizuna::nn
