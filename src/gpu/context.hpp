// A Vulkan device with one compute queue, the submission timeline, and deferred destruction.
// Not thread safe: one thread uses a Context (and everything made from it) at a time.
#pragma once

#include "gpu/vk_api.hpp"

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gpu/handle.hpp"
#include "gpu/instance.hpp"
#include "kizuna/error.hpp"

namespace kizuna::gpu {

// Device-local memory this process may still allocate (Context::memory_budget()).
struct DeviceMemoryBudget {
    uint64_t bytes = 0;       // what may be allocated now
    uint64_t heap_bytes = 0;  // size of the largest device-local heap
    // How `bytes` was found: "VK_EXT_memory_budget" (the driver's budget for this process
    // minus its usage), or "1/2 of the device-local heap" without the extension.
    const char* source = "";
};

struct ContextParams {
    bool allow_cpu_device = true;  // accept a software device (lavapipe) when no GPU exists
    bool use_fp16 = true;          // enable 16-bit storage when the device supports it
    // The instance to use (e.g. one created with a window system's surface extensions, shared
    // with the surface made on it); null: the context creates its own.
    std::shared_ptr<Instance> instance;
    // Device extensions to enable (e.g. VK_KHR_swapchain); a device lacking one is rejected.
    std::vector<std::string> device_extensions;
    // When set, the queue must be of a family for which this returns true (e.g. one that can
    // present to a surface); a device with no such compute family is rejected. Called from
    // create() only.
    std::function<bool(VkPhysicalDevice, uint32_t family)> queue_filter;
};

// Host <-> device copies recorded on the command buffers of every context of the process
// (CommandBuffer::copy and copy_region from an upload buffer or into a download buffer),
// counted when recorded.
struct TransferStats {
    uint64_t uploads = 0, upload_bytes = 0;      // host -> device
    uint64_t downloads = 0, download_bytes = 0;  // device -> host
};

// Wait and signal semaphores of one submission (VK_NULL_HANDLE: none).
struct SubmitSync {
    VkSemaphore wait = VK_NULL_HANDLE;
    VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
    VkSemaphore signal = VK_NULL_HANDLE;
};

class Context {
public:
    // Picks the best usable device (discrete > integrated > virtual > cpu). Fails, saying why,
    // when there is no loader driver, no device, or no device with Vulkan >= 1.1 and compute.
    static Result<std::unique_ptr<Context>> create(const ContextParams& params = {});
    ~Context();  // waits for the device, then frees everything
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    VkInstance instance() const noexcept { return instance_->get(); }
    VkDevice device() const noexcept { return device_; }
    VkPhysicalDevice physical_device() const noexcept { return caps_.device; }
    VkQueue queue() const noexcept { return queue_; }
    uint32_t queue_family() const noexcept {
        return static_cast<uint32_t>(caps_.compute_queue_family);
    }
    const PhysicalDeviceCaps& caps() const noexcept { return caps_; }
    // True when 16-bit storage buffers were enabled on the device (shaders may use the fp16
    // variant).
    bool fp16_enabled() const noexcept { return fp16_enabled_; }

    // The largest device-local heap's budget: with VK_EXT_memory_budget the driver's budget for
    // this process minus what it already uses there; without it, kDeviceHeapShare of the heap's
    // size (the driver, the display and other programs share the rest; our own allocations are
    // not subtracted). Queried afresh on each call.
    DeviceMemoryBudget memory_budget() const;
    static constexpr uint64_t kDeviceHeapShareDivisor = 2;  // kDeviceHeapShare = 1/2

    // A memory type index with all of required (and, if possible, all of preferred) among
    // type_bits. Fails when none has the required flags.
    Result<uint32_t> find_memory_type(uint32_t type_bits, VkMemoryPropertyFlags required,
                                      VkMemoryPropertyFlags preferred) const;

    // Submits one recorded command buffer. Returns its serial (1, 2, ...): a submission
    // completes after every earlier one.
    Result<uint64_t> submit(VkCommandBuffer command_buffer, const SubmitSync& sync = {});
    // Blocks until the submission with this serial completed (timeout in nanoseconds).
    Result<void> wait(uint64_t serial, uint64_t timeout_ns = UINT64_MAX);
    // Waits for everything submitted so far.
    Result<void> wait_idle();
    bool is_complete(uint64_t serial);
    uint64_t last_submitted() const noexcept { return submitted_; }

    // Frees (raw, aux) with destroy now if the GPU is idle, else once every submission made so
    // far has completed. Called by DeviceHandle; safe during ~Context.
    void retire(DestroyFn destroy, uint64_t raw, uint64_t aux) noexcept;
    // Objects waiting for their work to finish (for tests).
    size_t pending_destructions() const noexcept { return deferred_.size(); }

    // The host <-> device copies recorded in this process so far (for tests: take the
    // difference of two snapshots).
    static TransferStats transfers() noexcept;
    // Called by CommandBuffer when it records a copy. Thread safe.
    static void count_transfer(bool from_host, bool to_host, uint64_t bytes) noexcept;

    // VkDevices created by Context::create in this process so far (for the tests that show a
    // job runs on one device).
    static uint64_t devices_created() noexcept {
        return devices_created_.load(std::memory_order_relaxed);
    }

private:
    Context() = default;
    // Recycles fences of completed submissions and frees retired objects whose work is done.
    void poll() noexcept;

    struct InFlight {
        uint64_t serial;
        DeviceHandle<VkFence> fence;
    };
    struct Deferred {
        uint64_t serial;  // free once completed_ >= serial
        DestroyFn destroy;
        uint64_t raw, aux;
    };

    std::shared_ptr<Instance> instance_;
    PhysicalDeviceCaps caps_;
    VkDevice device_ = VK_NULL_HANDLE;
    VkQueue queue_ = VK_NULL_HANDLE;
    VkPhysicalDeviceMemoryProperties memory_{};
    bool fp16_enabled_ = false;
    uint64_t submitted_ = 0;
    uint64_t completed_ = 0;
    std::deque<InFlight> in_flight_;
    std::vector<DeviceHandle<VkFence>> free_fences_;
    std::vector<Deferred> deferred_;
    static inline std::atomic<uint64_t> devices_created_{0};
};

}  // namespace kizuna::gpu
