#include "gpu/context.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/logging.hpp"
#include "gpu/vk_check.hpp"

namespace kizuna::gpu {

void retire_handle(Context& context, DestroyFn destroy, uint64_t raw, uint64_t aux) noexcept {
    context.retire(destroy, raw, aux);
}

namespace {

std::atomic<uint64_t> uploads{0}, upload_bytes{0}, downloads{0}, download_bytes{0};

// The first family of d with compute for which params.queue_filter holds (families with
// graphics first: they are the ones that present); -1 when none.
int filtered_queue_family(const PhysicalDeviceCaps& d, const ContextParams& params) {
    uint32_t count = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(d.device, &count, nullptr);
    std::vector<VkQueueFamilyProperties> families(count);
    vkGetPhysicalDeviceQueueFamilyProperties(d.device, &count, families.data());
    for (int pass = 0; pass < 2; ++pass) {
        for (uint32_t i = 0; i < count; ++i) {
            const VkQueueFlags f = families[i].queueFlags;
            if (!(f & VK_QUEUE_COMPUTE_BIT) || families[i].queueCount == 0) continue;
            if (pass == 0 && !(f & VK_QUEUE_GRAPHICS_BIT)) continue;
            if (params.queue_filter(d.device, i)) return static_cast<int>(i);
        }
    }
    return -1;
}

}  // namespace

Result<std::unique_ptr<Context>> Context::create(const ContextParams& params) {
    std::shared_ptr<Instance> instance = params.instance;
    if (!instance) {
        auto own = Instance::create();
        if (!own) return std::move(own).error();
        instance = std::make_shared<Instance>(std::move(*own));
    }
    auto devices = enumerate_devices(*instance);
    if (!devices) return std::move(devices).error();

    const PhysicalDeviceCaps* chosen = nullptr;
    std::string rejected;
    for (auto& d : *devices) {
        if (!d.usable) {
            rejected += fmt::format(" '{}' (Vulkan {}, {})", d.info.name, d.info.api_version,
                                    d.compute_queue_family < 0 ? "no compute queue" : "< 1.1");
            continue;
        }
        if (d.info.type == GpuDeviceType::cpu && !params.allow_cpu_device) {
            rejected += fmt::format(" '{}' (software device not allowed)", d.info.name);
            continue;
        }
        const auto missing = std::find_if(
            params.device_extensions.begin(), params.device_extensions.end(),
            [&](const std::string& e) { return !device_has_extension(d.device, e.c_str()); });
        if (missing != params.device_extensions.end()) {
            rejected += fmt::format(" '{}' (no {})", d.info.name, *missing);
            continue;
        }
        if (params.queue_filter) {
            const int family = filtered_queue_family(d, params);
            if (family < 0) {
                rejected += fmt::format(" '{}' (no compute queue that can present)", d.info.name);
                continue;
            }
            if (family != d.compute_queue_family) {
                uint32_t count = 0;
                vkGetPhysicalDeviceQueueFamilyProperties(d.device, &count, nullptr);
                std::vector<VkQueueFamilyProperties> families(count);
                vkGetPhysicalDeviceQueueFamilyProperties(d.device, &count, families.data());
                d.compute_queue_family = family;
                d.timestamp_valid_bits = families[family].timestampValidBits;
                d.info.timestamps = d.timestamp_valid_bits > 0 && d.timestamp_period_ns > 0;
            }
        }
        chosen = &d;
        break;
    }
    if (!chosen) {
        return make_error(Errc::not_found,
                          fmt::format("Vulkan: no usable device; rejected:{}", rejected));
    }

    std::unique_ptr<Context> ctx(new Context());
    ctx->instance_ = std::move(instance);
    ctx->caps_ = *chosen;
    ctx->fp16_enabled_ = params.use_fp16 && chosen->info.fp16_storage;

    const float priority = 1.0f;
    VkDeviceQueueCreateInfo queue_info{};
    queue_info.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
    queue_info.queueFamilyIndex = ctx->queue_family();
    queue_info.queueCount = 1;
    queue_info.pQueuePriorities = &priority;

    VkPhysicalDevice16BitStorageFeatures storage16{};
    storage16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES;
    storage16.storageBuffer16BitAccess = ctx->fp16_enabled_ ? VK_TRUE : VK_FALSE;
    VkPhysicalDeviceFeatures2 features{};
    features.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
    features.pNext = &storage16;

    std::vector<const char*> extensions;
    for (const std::string& e : params.device_extensions) extensions.push_back(e.c_str());
    if (chosen->memory_budget_ext) extensions.push_back(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);

    VkDeviceCreateInfo device_info{};
    device_info.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
    device_info.pNext = &features;
    device_info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    device_info.ppEnabledExtensionNames = extensions.data();
    device_info.queueCreateInfoCount = 1;
    device_info.pQueueCreateInfos = &queue_info;
    device_info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    device_info.ppEnabledExtensionNames = extensions.data();
    KZ_VK_CHECK(vkCreateDevice(chosen->device, &device_info, nullptr, &ctx->device_));
    devices_created_.fetch_add(1, std::memory_order_relaxed);
    vkGetDeviceQueue(ctx->device_, ctx->queue_family(), 0, &ctx->queue_);
    vkGetPhysicalDeviceMemoryProperties(chosen->device, &ctx->memory_);
    KZ_LOG_INFO("Vulkan: using '{}' ({}, Vulkan {}, {}), fp16 storage {}", chosen->info.name,
                gpu_device_type_name(chosen->info.type), chosen->info.api_version,
                chosen->info.driver, ctx->fp16_enabled_ ? "on" : "off");
    return ctx;
}

Context::~Context() {
    if (!device_) return;
    vkDeviceWaitIdle(device_);
    completed_ = submitted_;
    in_flight_.clear();  // fences retire into deferred_/are destroyed right away (idle)
    free_fences_.clear();
    for (const auto& d : deferred_) d.destroy(device_, d.raw, d.aux);
    deferred_.clear();
    vkDestroyDevice(device_, nullptr);
}

TransferStats Context::transfers() noexcept {
    TransferStats t;
    t.uploads = uploads.load(std::memory_order_relaxed);
    t.upload_bytes = upload_bytes.load(std::memory_order_relaxed);
    t.downloads = downloads.load(std::memory_order_relaxed);
    t.download_bytes = download_bytes.load(std::memory_order_relaxed);
    return t;
}

void Context::count_transfer(bool from_host, bool to_host, uint64_t bytes) noexcept {
    if (from_host) {
        uploads.fetch_add(1, std::memory_order_relaxed);
        upload_bytes.fetch_add(bytes, std::memory_order_relaxed);
    }
    if (to_host) {
        downloads.fetch_add(1, std::memory_order_relaxed);
        download_bytes.fetch_add(bytes, std::memory_order_relaxed);
    }
}

DeviceMemoryBudget Context::memory_budget() const {
    VkPhysicalDeviceMemoryBudgetPropertiesEXT budget{};
    budget.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT;
    VkPhysicalDeviceMemoryProperties2 props{};
    props.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2;
    if (caps_.memory_budget_ext) props.pNext = &budget;
    vkGetPhysicalDeviceMemoryProperties2(caps_.device, &props);
    const VkPhysicalDeviceMemoryProperties& m = props.memoryProperties;
    int heap = -1;
    for (uint32_t i = 0; i < m.memoryHeapCount; ++i) {
        if (!(m.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)) continue;
        if (heap < 0 || m.memoryHeaps[i].size > m.memoryHeaps[heap].size)
            heap = static_cast<int>(i);
    }
    if (heap < 0) heap = 0;  // no device-local heap (not allowed by the spec): the first one
    DeviceMemoryBudget out;
    out.heap_bytes = m.memoryHeaps[heap].size;
    if (caps_.memory_budget_ext && budget.heapBudget[heap] > 0) {
        const uint64_t b = budget.heapBudget[heap], used = budget.heapUsage[heap];
        out.bytes = b > used ? b - used : 0;
        out.source = "VK_EXT_memory_budget";
    } else {
        out.bytes = out.heap_bytes / kDeviceHeapShareDivisor;
        out.source = "1/2 of the device-local heap";
    }
    return out;
}

Result<uint32_t> Context::find_memory_type(uint32_t type_bits, VkMemoryPropertyFlags required,
                                           VkMemoryPropertyFlags preferred) const {
    int fallback = -1;
    for (uint32_t i = 0; i < memory_.memoryTypeCount; ++i) {
        if (!(type_bits & (1u << i))) continue;
        const VkMemoryPropertyFlags f = memory_.memoryTypes[i].propertyFlags;
        if ((f & required) != required) continue;
        if ((f & preferred) == preferred) return i;
        if (fallback < 0) fallback = static_cast<int>(i);
    }
    if (fallback >= 0) return static_cast<uint32_t>(fallback);
    return make_error(Errc::unsupported,
                      fmt::format("Vulkan: no memory type with flags 0x{:x} among bits 0x{:x}",
                                  required, type_bits));
}

Result<uint64_t> Context::submit(VkCommandBuffer command_buffer, const SubmitSync& sync) {
    poll();
    DeviceHandle<VkFence> fence;
    if (!free_fences_.empty()) {
        fence = std::move(free_fences_.back());
        free_fences_.pop_back();
    } else {
        VkFenceCreateInfo info{};
        info.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
        VkFence raw = VK_NULL_HANDLE;
        KZ_VK_CHECK(vkCreateFence(device_, &info, nullptr, &raw));
        fence = DeviceHandle<VkFence>(*this, raw);
    }
    VkSubmitInfo submit{};
    submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &command_buffer;
    if (sync.wait != VK_NULL_HANDLE) {
        submit.waitSemaphoreCount = 1;
        submit.pWaitSemaphores = &sync.wait;
        submit.pWaitDstStageMask = &sync.wait_stage;
    }
    if (sync.signal != VK_NULL_HANDLE) {
        submit.signalSemaphoreCount = 1;
        submit.pSignalSemaphores = &sync.signal;
    }
    const VkResult r = vkQueueSubmit(queue_, 1, &submit, fence.get());
    if (r < 0) {
        free_fences_.push_back(std::move(fence));  // unsignalled, reusable
        return vk_error(r, "vkQueueSubmit");
    }
    in_flight_.push_back({++submitted_, std::move(fence)});
    return submitted_;
}

Result<void> Context::wait(uint64_t serial, uint64_t timeout_ns) {
    for (auto& f : in_flight_) {
        if (f.serial < serial) continue;
        VkFence fence = f.fence.get();
        const VkResult r = vkWaitForFences(device_, 1, &fence, VK_TRUE, timeout_ns);
        if (r < 0) return vk_error(r, "vkWaitForFences");
        break;
    }
    poll();
    if (completed_ < serial && serial <= submitted_) {
        return make_error(Errc::timeout, fmt::format("Vulkan: submission {} did not complete "
                                                     "within {} ns",
                                                     serial, timeout_ns));
    }
    return {};
}

Result<void> Context::wait_idle() {
    return wait(submitted_);
}

bool Context::is_complete(uint64_t serial) {
    poll();
    return completed_ >= serial;
}

void Context::poll() noexcept {
    while (!in_flight_.empty()) {
        InFlight& f = in_flight_.front();
        if (vkGetFenceStatus(device_, f.fence.get()) != VK_SUCCESS) break;
        VkFence fence = f.fence.get();
        vkResetFences(device_, 1, &fence);
        completed_ = f.serial;
        free_fences_.push_back(std::move(f.fence));
        in_flight_.pop_front();
    }
    auto done = std::stable_partition(deferred_.begin(), deferred_.end(),
                                      [&](const Deferred& d) { return d.serial > completed_; });
    for (auto it = done; it != deferred_.end(); ++it) it->destroy(device_, it->raw, it->aux);
    deferred_.erase(done, deferred_.end());
}

void Context::retire(DestroyFn destroy, uint64_t raw, uint64_t aux) noexcept {
    if (completed_ >= submitted_) {
        destroy(device_, raw, aux);
        return;
    }
    deferred_.push_back({submitted_, destroy, raw, aux});
}

}  // namespace kizuna::gpu
