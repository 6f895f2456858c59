#include "gpu/compute_pipeline.hpp"

#include <fmt/format.h>

#include <vector>

#include "gpu/context.hpp"
#include "gpu/vk_check.hpp"

namespace kizuna::gpu {

Result<ComputePipeline> ComputePipeline::create(Context& context,
                                                const ComputePipelineParams& params) {
    const VkDevice dev = context.device();
    if (params.spirv.empty() || params.buffer_count == 0 || params.push_constant_size % 4 != 0 ||
        params.push_constant_size > 128 || params.local_x == 0 || params.local_y == 0 ||
        params.max_sets == 0) {
        return make_error(
            Errc::invalid_argument,
            fmt::format("Vulkan: invalid parameters for compute pipeline '{}'", params.name));
    }
    if (params.local_x * params.local_y > context.caps().max_workgroup_invocations) {
        return make_error(Errc::unsupported,
                          fmt::format("Vulkan: pipeline '{}': workgroup {}x{} exceeds the "
                                      "device limit of {} invocations",
                                      params.name, params.local_x, params.local_y,
                                      context.caps().max_workgroup_invocations));
    }
    ComputePipeline out;
    out.context_ = &context;
    out.name_ = params.name;
    out.buffer_count_ = params.buffer_count;
    out.push_size_ = params.push_constant_size;
    out.local_x_ = params.local_x;
    out.local_y_ = params.local_y;

    std::vector<VkDescriptorSetLayoutBinding> bindings(params.buffer_count);
    for (uint32_t i = 0; i < params.buffer_count; ++i) {
        bindings[i] = {};
        bindings[i].binding = i;
        bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        bindings[i].descriptorCount = 1;
        bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    VkDescriptorSetLayoutCreateInfo set_info{};
    set_info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
    set_info.bindingCount = params.buffer_count;
    set_info.pBindings = bindings.data();
    VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
    KZ_VK_CHECK(vkCreateDescriptorSetLayout(dev, &set_info, nullptr, &set_layout));
    out.set_layout_ = DeviceHandle<VkDescriptorSetLayout>(context, set_layout);

    VkDescriptorPoolSize pool_size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                                   params.buffer_count * params.max_sets};
    VkDescriptorPoolCreateInfo pool_info{};
    pool_info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
    pool_info.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
    pool_info.maxSets = params.max_sets;
    pool_info.poolSizeCount = 1;
    pool_info.pPoolSizes = &pool_size;
    VkDescriptorPool pool = VK_NULL_HANDLE;
    KZ_VK_CHECK(vkCreateDescriptorPool(dev, &pool_info, nullptr, &pool));
    out.pool_ = DeviceHandle<VkDescriptorPool>(context, pool);

    VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, params.push_constant_size};
    VkPipelineLayoutCreateInfo layout_info{};
    layout_info.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
    layout_info.setLayoutCount = 1;
    layout_info.pSetLayouts = &set_layout;
    layout_info.pushConstantRangeCount = params.push_constant_size > 0 ? 1 : 0;
    layout_info.pPushConstantRanges = &push;
    VkPipelineLayout layout = VK_NULL_HANDLE;
    KZ_VK_CHECK(vkCreatePipelineLayout(dev, &layout_info, nullptr, &layout));
    out.layout_ = DeviceHandle<VkPipelineLayout>(context, layout);

    VkShaderModuleCreateInfo module_info{};
    module_info.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
    module_info.codeSize = params.spirv.size_bytes();
    module_info.pCode = params.spirv.data();
    VkShaderModule raw_module = VK_NULL_HANDLE;
    KZ_VK_CHECK(vkCreateShaderModule(dev, &module_info, nullptr, &raw_module));
    DeviceHandle<VkShaderModule> module(context, raw_module);

    std::vector<uint32_t> values{params.local_x, params.local_y};
    values.insert(values.end(), params.specialization.begin(), params.specialization.end());
    std::vector<VkSpecializationMapEntry> entries(values.size());
    for (uint32_t i = 0; i < values.size(); ++i) {
        entries[i] = {i, static_cast<uint32_t>(i * sizeof(uint32_t)), sizeof(uint32_t)};
    }
    VkSpecializationInfo spec{};
    spec.mapEntryCount = static_cast<uint32_t>(entries.size());
    spec.pMapEntries = entries.data();
    spec.dataSize = values.size() * sizeof(uint32_t);
    spec.pData = values.data();

    VkComputePipelineCreateInfo pipe_info{};
    pipe_info.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
    pipe_info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    pipe_info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    pipe_info.stage.module = raw_module;
    pipe_info.stage.pName = "main";
    pipe_info.stage.pSpecializationInfo = &spec;
    pipe_info.layout = layout;
    VkPipeline pipeline = VK_NULL_HANDLE;
    const VkResult r =
        vkCreateComputePipelines(dev, VK_NULL_HANDLE, 1, &pipe_info, nullptr, &pipeline);
    if (r < 0) {
        return vk_error(r, fmt::format("vkCreateComputePipelines({})", params.name).c_str());
    }
    out.pipeline_ = DeviceHandle<VkPipeline>(context, pipeline);
    return out;
}

Result<DescriptorSet> ComputePipeline::allocate_set(std::span<const VkBuffer> buffers) {
    if (buffers.size() != buffer_count_) {
        return make_error(Errc::internal,
                          fmt::format("Vulkan: pipeline '{}' takes {} buffers, got {}", name_,
                                      buffer_count_, buffers.size()));
    }
    VkDescriptorSetLayout set_layout = set_layout_.get();
    VkDescriptorSetAllocateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
    info.descriptorPool = pool_.get();
    info.descriptorSetCount = 1;
    info.pSetLayouts = &set_layout;
    VkDescriptorSet set = VK_NULL_HANDLE;
    KZ_VK_CHECK(vkAllocateDescriptorSets(context_->device(), &info, &set));
    DescriptorSet out;
    out.set_ = DeviceHandle<VkDescriptorSet>(*context_, set, std::bit_cast<uint64_t>(pool_.get()));

    std::vector<VkDescriptorBufferInfo> infos(buffers.size());
    std::vector<VkWriteDescriptorSet> writes(buffers.size());
    for (size_t i = 0; i < buffers.size(); ++i) {
        infos[i] = {buffers[i], 0, VK_WHOLE_SIZE};
        writes[i] = {};
        writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
        writes[i].dstSet = set;
        writes[i].dstBinding = static_cast<uint32_t>(i);
        writes[i].descriptorCount = 1;
        writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        writes[i].pBufferInfo = &infos[i];
    }
    vkUpdateDescriptorSets(context_->device(), static_cast<uint32_t>(writes.size()), writes.data(),
                           0, nullptr);
    return out;
}

}  // namespace kizuna::gpu
