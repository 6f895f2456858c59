#include "core/alloc_fault.hpp"

#include <atomic>
#include <mutex>

namespace kizuna::detail {
namespace {

std::atomic<bool> armed{false};
std::mutex fault_mutex;
int countdown = 0;         // guarded by fault_mutex; > 0: fail when it reaches 0
size_t countdown_min = 0;  // guarded by fault_mutex
size_t limit = 0;          // guarded by fault_mutex; 0 = none

void rearm() {
    armed.store(countdown > 0 || limit > 0, std::memory_order_relaxed);
}

}  // namespace

void fail_nth_allocation(int n, size_t min_bytes) {
    std::lock_guard lock(fault_mutex);
    countdown = n > 0 ? n : 0;
    countdown_min = min_bytes;
    rearm();
}

void fail_allocations_above(size_t bytes) {
    std::lock_guard lock(fault_mutex);
    limit = bytes;
    rearm();
}

void clear_allocation_faults() {
    std::lock_guard lock(fault_mutex);
    countdown = 0;
    limit = 0;
    rearm();
}

bool allocation_should_fail(size_t bytes) noexcept {
    if (!armed.load(std::memory_order_relaxed)) return false;
    std::lock_guard lock(fault_mutex);
    if (limit > 0 && bytes > limit) return true;
    if (countdown > 0 && bytes >= countdown_min && --countdown == 0) {
        rearm();
        return true;
    }
    return false;
}

}  // namespace kizuna::detail
