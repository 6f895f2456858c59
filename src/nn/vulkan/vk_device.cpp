#include "nn/vulkan/vk_device.hpp"

#include <algorithm>

#include "gpu/command_buffer.hpp"

namespace kizuna::nn {

Result<std::shared_ptr<VulkanDevice>> VulkanDevice::create(std::shared_ptr<gpu::Context> context,
                                                           bool allow_software_device) {
    std::shared_ptr<VulkanDevice> d(new VulkanDevice());
    if (!context) {
        gpu::ContextParams cp;
        cp.allow_cpu_device = allow_software_device;
        cp.use_fp16 = true;  // 16-bit storage where the device has it, for fp16 precision
        auto made = gpu::Context::create(cp);
        KZ_TRY(made);
        context = std::move(*made);
    }
    d->context_ = std::move(context);
    return d;
}

Result<std::shared_ptr<const VulkanWeights>> VulkanDevice::weights(
    const Graph& graph, gpu::CommandBuffer& cmd, gpu::StoragePrecision precision) {
    const uint64_t fingerprint = graph_fingerprint(graph);
    for (const Entry& e : entries_)
        if (e.graph == &graph && e.fingerprint == fingerprint && e.precision == precision)
            return e.weights;
    auto packed = vk::pack_weights(graph);
    KZ_TRY(packed);
    auto buffer = vk::upload_weights(*context_, cmd, packed->values, precision);
    KZ_TRY(buffer);
    uploads_.fetch_add(1, std::memory_order_relaxed);
    auto w = std::make_shared<VulkanWeights>();
    w->packed = std::move(*packed);
    w->packed.values = {};  // on the device now; only the offsets are needed
    w->buffer = std::move(*buffer);
    // An older graph at this address goes; the same graph's weights in the other precision stay.
    std::erase_if(entries_, [&](const Entry& e) {
        return e.graph == &graph && (e.fingerprint != fingerprint || e.precision == precision);
    });
    entries_.push_back({&graph, fingerprint, precision, w});
    return std::shared_ptr<const VulkanWeights>(std::move(w));
}

void VulkanDevice::forget(const Graph& graph) noexcept {
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                  [&](const Entry& e) { return e.graph == &graph; }),
                   entries_.end());
}

}  // namespace kizuna::nn
