// One Vulkan device as the NN backends see it: a gpu::Context and the model weights uploaded to
// it, shared by every Vulkan NN backend made on it (the size slots of a Session, a Tiler, and
// in the hybrid chain the Vulkan stage backend's own device), so a job creates one VkDevice and
// uploads a model's weights once.
//
// Ownership: shared (std::shared_ptr) by the backends made on it and by whoever made it; the
// gpu::Context inside may be shared further (the stage backend). Thread safety: none, like
// gpu::Context: one thread at a time uses the device and everything made on it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "gpu/buffer.hpp"
#include "gpu/context.hpp"
#include "kizuna/error.hpp"
#include "nn/graph/graph.hpp"
#include "nn/vulkan/vk_weights.hpp"

namespace kizuna::gpu {
class CommandBuffer;
}

namespace kizuna::nn {

// A graph's weights on the device: the packed layout's offsets (values dropped once uploaded)
// and the buffer holding them.
struct VulkanWeights {
    vk::PackedWeights packed;  // packed.values is empty: the values live in `buffer`
    gpu::Buffer buffer;
};

class VulkanDevice {
public:
    // On `context` when given (e.g. the Vulkan stage backend's); else a new context on the best
    // Vulkan device, a software one (lavapipe) only with allow_software_device. Errors: those of
    // gpu::Context::create.
    static Result<std::shared_ptr<VulkanDevice>> create(std::shared_ptr<gpu::Context> context,
                                                        bool allow_software_device = true);

    gpu::Context& context() const noexcept { return *context_; }
    const std::shared_ptr<gpu::Context>& shared_context() const noexcept { return context_; }

    // The weights of `graph` on this device, stored in `precision`: packed and uploaded (through
    // `cmd`, which is waited for) the first time a graph of this address and fingerprint is
    // asked for in that precision, then shared.
    // The caller keeps the graph alive and unchanged while the device may hand out its weights.
    // Errors: those of vk::pack_weights and vk::upload_weights.
    Result<std::shared_ptr<const VulkanWeights>> weights(const Graph& graph,
                                                         gpu::CommandBuffer& cmd,
                                                         gpu::StoragePrecision precision);
    // Drops the weights of the graph at this address (backends that hold them keep theirs).
    void forget(const Graph& graph) noexcept;

    // Weight uploads done by every VulkanDevice of the process so far (for tests).
    static uint64_t weight_uploads() noexcept { return uploads_.load(std::memory_order_relaxed); }

private:
    VulkanDevice() = default;

    struct Entry {
        const Graph* graph = nullptr;
        uint64_t fingerprint = 0;
        gpu::StoragePrecision precision = gpu::StoragePrecision::f32;
        std::shared_ptr<const VulkanWeights> weights;
    };
    std::shared_ptr<gpu::Context> context_;  // first: destroyed last
    std::vector<Entry> entries_;
    static inline std::atomic<uint64_t> uploads_{0};
};

}  // namespace kizuna::nn
