#include "stages/cpu/simd.hpp"

#include <hwy/targets.h>

#include <array>
#include <atomic>
#include <cstdint>

namespace kizuna::stages {

namespace {

SimdLevel cpu_level() {
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx512f")) return SimdLevel::avx512;
    if (__builtin_cpu_supports("avx2")) return SimdLevel::avx2;
#endif
    return SimdLevel::baseline;
}

// The cap set by limit_simd_target; avx512 means none.
std::atomic<SimdLevel> level_cap{SimdLevel::avx512};

// The Highway targets disabled by limit_simd_target.
int64_t current_disabled = 0;

// Highway targets this build holds and the CPU runs, less `disabled`; one bit each. Highway's
// SupportedTargets() points the dispatch at the unmasked set as a side effect, so the dispatch is
// reset (DisableTargets) afterwards: the next kernel call picks from the limited set again.
int64_t query_targets(int64_t disabled) {
    hwy::DisableTargets(disabled);
    const int64_t targets = hwy::SupportedTargets() & HWY_TARGETS;
    hwy::DisableTargets(current_disabled);
    return targets;
}

}  // namespace

SimdLevel simd_level() {
    static const SimdLevel cpu = cpu_level();
    const SimdLevel cap = level_cap.load(std::memory_order_relaxed);
    return cap < cpu ? cap : cpu;
}

std::vector<std::string> simd_targets() {
    const int64_t all = query_targets(0);
    std::vector<std::string> names;
    for (int64_t t = all; t != 0; t &= t - 1) names.emplace_back(hwy::TargetName(t & -t));
    return names;
}

std::string simd_target() {
    const int64_t t = query_targets(current_disabled);
    return hwy::TargetName(t & -t);
}

bool limit_simd_target(std::string_view name) {
    if (name.empty()) {
        current_disabled = 0;
        hwy::DisableTargets(0);
        level_cap.store(SimdLevel::avx512);
        return true;
    }
    const int64_t all = query_targets(0);
    for (int64_t t = all; t != 0; t &= t - 1) {
        const int64_t bit = t & -t;
        if (name != hwy::TargetName(bit)) continue;
        // Better targets have lower bits: disable every bit below this one.
        current_disabled = bit - 1;
        hwy::DisableTargets(current_disabled);
        SimdLevel cap = SimdLevel::baseline;
#if HWY_ARCH_X86
        if (bit == HWY_AVX2) cap = SimdLevel::avx2;
        if (bit <= HWY_AVX3) cap = SimdLevel::avx512;  // AVX3 and the better AVX3_* targets
#endif
        level_cap.store(cap);
        return true;
    }
    return false;
}

float* thread_scratch(int slot, size_t n) {
    thread_local std::array<std::vector<float>, 4> buffers;
    auto& b = buffers[static_cast<size_t>(slot)];
    if (b.size() < n + 16) b.resize(n + 16);
    auto addr = reinterpret_cast<uintptr_t>(b.data());
    const uintptr_t aligned = (addr + 63) & ~uintptr_t{63};
    return b.data() + (aligned - addr) / sizeof(float);
}

}  // namespace kizuna::stages
