// Fault injection for device-local Vulkan allocations (gpu::Buffer of BufferKind::device, the
// only place KizunaSR allocates device memory): a real VK_ERROR_OUT_OF_DEVICE_MEMORY needs a
// full GPU, so tests use these hooks to prove that the Vulkan NN backend's out-of-memory path
// (smaller tiles, then the CPU backend, then shader-only) is taken and reported. An injected
// failure is reported exactly as the driver's would be. Thread safe; off by default, and then
// costs one relaxed atomic load per device allocation.
#pragma once

#include <cstddef>

namespace kizuna::gpu {

// Makes the next `count` device allocations of at least min_bytes fail; count < 0: every one
// from now on; 0 disarms.
void fail_device_allocations(int count, size_t min_bytes = 0);

// Disarms the hook.
void clear_device_allocation_faults();

// Device allocations failed by the hook since the last fail_device_allocations().
int injected_device_allocation_failures();

// Called by Buffer::create for device buffers: true when this allocation must fail.
bool device_allocation_should_fail(size_t bytes) noexcept;

}  // namespace kizuna::gpu
