// The Vulkan preview chain with its options and counters exposed (for tests and benchmarks);
// make_vulkan_preview() in preview_backend.hpp is the plain entry point.
#pragma once

#include <memory>

#include "gpu/context.hpp"
#include "stages/preview_backend.hpp"

namespace kizuna::stages::vk {

struct VkPreviewOptions {
    gpu::ContextParams context;  // device choice; context.use_fp16 false forces fp32 storage
};

struct VkPreviewStats {
    size_t buffer_allocations = 0;  // device/host buffers (re)allocated so far
    size_t pipelines = 0;           // compute pipelines created so far
    size_t descriptor_sets = 0;     // descriptor sets allocated so far
    bool fp16 = false;              // frames are stored as fp16 on the device
};

class VkPreviewBackend : public PreviewBackend {
public:
    virtual VkPreviewStats stats() const = 0;
};

// Fails when no Vulkan device can be used (the error says why).
Result<std::unique_ptr<VkPreviewBackend>> make_vk_preview(const VkPreviewOptions& options);

}  // namespace kizuna::stages::vk
