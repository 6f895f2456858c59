#include "stages/simd.hpp"

#include <array>
#include <cstdint>

namespace kizuna::stages {

float* thread_scratch(int slot, size_t n) {
    thread_local std::array<std::vector<float>, 4> buffers;
    auto& b = buffers[static_cast<size_t>(slot)];
    if (b.size() < n + 16) b.resize(n + 16);
    auto addr = reinterpret_cast<uintptr_t>(b.data());
    const uintptr_t aligned = (addr + 63) & ~uintptr_t{63};
    return b.data() + (aligned - addr) / sizeof(float);
}

}  // namespace kizuna::stages
