// Fault injection for the library's large allocations (every pixel, tensor and activation buffer
// goes through detail::aligned_alloc_bytes). Linux overcommits memory, so a real allocation
// failure is rare and late; tests use these hooks to prove that each out-of-memory path (tile
// halving, backend fallback, shader-only) is taken and reported. Thread safe; off by default, and
// then costs one relaxed atomic load per allocation.
#pragma once

#include <cstddef>

namespace kizuna::detail {

// Makes the n-th call (1-based, counted from now) of aligned_alloc_bytes asking for at least
// min_bytes fail, once. n <= 0 disarms it.
void fail_nth_allocation(int n, size_t min_bytes = 0);

// Makes every call of aligned_alloc_bytes asking for more than `bytes` fail, as a memory limit
// would; 0 lifts the limit.
void fail_allocations_above(size_t bytes);

// Disarms both hooks.
void clear_allocation_faults();

// Called by aligned_alloc_bytes: true when this allocation must fail.
bool allocation_should_fail(size_t bytes) noexcept;

}  // namespace kizuna::detail
