// 64-byte aligned allocation for pixel and tensor buffers.
#pragma once

#include <cstddef>
#include <new>

#include "core/alloc_fault.hpp"

namespace kizuna::detail {

inline constexpr size_t buffer_alignment = 64;

// Returns nullptr when memory runs out (or a test injects a failure, core/alloc_fault.hpp).
// bytes is rounded up to the alignment.
inline void* aligned_alloc_bytes(size_t bytes) noexcept {
    if (allocation_should_fail(bytes)) return nullptr;
    const size_t rounded = (bytes + buffer_alignment - 1) / buffer_alignment * buffer_alignment;
    return ::operator new (rounded, std::align_val_t{buffer_alignment}, std::nothrow);
}

inline void aligned_free(void* p) noexcept {
    ::operator delete (p, std::align_val_t{buffer_alignment});
}

}  // namespace kizuna::detail
