#include "gpu/device_alloc_fault.hpp"

#include <atomic>
#include <mutex>

namespace kizuna::gpu {
namespace {

std::atomic<bool> armed{false};
std::mutex fault_mutex;
int remaining = 0;    // guarded by fault_mutex; < 0: every allocation
size_t min_size = 0;  // guarded by fault_mutex
int failed = 0;       // guarded by fault_mutex

}  // namespace

void fail_device_allocations(int count, size_t min_bytes) {
    std::lock_guard lock(fault_mutex);
    remaining = count;
    min_size = min_bytes;
    failed = 0;
    armed.store(count != 0, std::memory_order_relaxed);
}

void clear_device_allocation_faults() {
    fail_device_allocations(0);
}

int injected_device_allocation_failures() {
    std::lock_guard lock(fault_mutex);
    return failed;
}

bool device_allocation_should_fail(size_t bytes) noexcept {
    if (!armed.load(std::memory_order_relaxed)) return false;
    std::lock_guard lock(fault_mutex);
    if (remaining == 0 || bytes < min_size) return false;
    if (remaining > 0 && --remaining == 0) armed.store(false, std::memory_order_relaxed);
    ++failed;
    return true;
}

}  // namespace kizuna::gpu
