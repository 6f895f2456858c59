// Compute pipelines built from embedded SPIR-V. The shape of the work (workgroup size, formats,
// tap and plane counts: what loops and branches depend on) goes in specialization constants,
// fixed per pipeline; per-dispatch values (frame sizes, parameters) go in push constants, so a
// new frame size re-uses the compiled pipelines. Every shader binds storage buffers
// 0..buffer_count-1 of descriptor set 0 and declares
//     layout(local_size_x_id = 0, local_size_y_id = 1) in;
// so constant ids 0 and 1 carry the workgroup size; ComputePipelineParams::specialization
// fills ids 2, 3, ...
#pragma once

#include "gpu/vk_api.hpp"

#include <cstdint>
#include <span>
#include <string>

#include "gpu/handle.hpp"
#include "kizuna/error.hpp"

namespace kizuna::gpu {

class Context;

struct ComputePipelineParams {
    std::string name;                          // for error messages, e.g. "normalize_f16"
    std::span<const uint32_t> spirv;           // SPIR-V words; copied, need not outlive create()
    uint32_t buffer_count = 1;                 // storage buffers at bindings 0..n-1, >= 1
    uint32_t push_constant_size = 0;           // bytes, multiple of 4, <= 128
    std::span<const uint32_t> specialization;  // 32-bit values for constant ids 2, 3, ...
    uint32_t local_x = 16, local_y = 16;       // workgroup size
    uint32_t max_sets = 4;                     // descriptor sets allocate_set() can hand out
};

// Owns the descriptor set (returned to its pool when destroyed, after in-flight work is done).
class DescriptorSet {
public:
    DescriptorSet() = default;
    VkDescriptorSet get() const noexcept { return set_.get(); }
    explicit operator bool() const noexcept { return static_cast<bool>(set_); }

private:
    friend class ComputePipeline;
    DeviceHandle<VkDescriptorSet> set_;
};

// Move-only. Must not outlive its Context; descriptor sets it handed out must be destroyed
// before it.
class ComputePipeline {
public:
    static Result<ComputePipeline> create(Context& context, const ComputePipelineParams& params);
    ComputePipeline() = default;

    // A descriptor set with buffers[i] (whole range) bound at binding i. buffers.size() must
    // equal buffer_count.
    Result<DescriptorSet> allocate_set(std::span<const VkBuffer> buffers);

    VkPipeline pipeline() const noexcept { return pipeline_.get(); }
    VkPipelineLayout layout() const noexcept { return layout_.get(); }
    uint32_t push_constant_size() const noexcept { return push_size_; }
    uint32_t local_x() const noexcept { return local_x_; }
    uint32_t local_y() const noexcept { return local_y_; }
    const std::string& name() const noexcept { return name_; }
    explicit operator bool() const noexcept { return static_cast<bool>(pipeline_); }

private:
    Context* context_ = nullptr;
    std::string name_;
    uint32_t buffer_count_ = 0, push_size_ = 0, local_x_ = 0, local_y_ = 0;
    // Declaration order = reverse destruction order: sets' pool and layouts outlive the pipeline.
    DeviceHandle<VkDescriptorSetLayout> set_layout_;
    DeviceHandle<VkDescriptorPool> pool_;
    DeviceHandle<VkPipelineLayout> layout_;
    DeviceHandle<VkPipeline> pipeline_;
};

}  // namespace kizuna::gpu
