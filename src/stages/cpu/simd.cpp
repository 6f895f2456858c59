#include "stages/cpu/simd.hpp"

#include "core/cpu_features.hpp"

#include <hwy/targets.h>

#include <array>
#include <atomic>
#include <cstdint>

namespace kizuna::stages {

namespace {

// The Highway targets disabled to follow the cap; read by simd_target().
std::atomic<int64_t> current_disabled{0};

// Highway targets this build holds and the CPU runs, less `disabled`; one bit each. Highway's
// SupportedTargets() points the dispatch at the unmasked set as a side effect, so the dispatch is
// reset (DisableTargets) afterwards: the next kernel call picks from the limited set again.
int64_t query_targets(int64_t disabled) {
    hwy::DisableTargets(disabled);
    const int64_t targets = hwy::SupportedTargets() & HWY_TARGETS;
    hwy::DisableTargets(current_disabled.load());
    return targets;
}

// The best Highway target a CPU level allows (targets are bits; better targets have lower bits).
int64_t best_target_for(CpuLevel level) {
#if HWY_ARCH_X86
    switch (level) {
        case CpuLevel::avx512:
            return 1;  // no limit: every AVX3 target
        case CpuLevel::avx2:
            return HWY_AVX2;
        case CpuLevel::sse4:
            return HWY_SSE4;
        case CpuLevel::ssse3:
            return HWY_SSSE3;
        case CpuLevel::scalar:
            break;
    }
#else
    if (level != CpuLevel::scalar) return 1;
#endif
    return HWY_SCALAR | HWY_EMU128;  // the baseline of this Highway
}

SimdLevel level_for(CpuLevel level) {
    switch (level) {
        case CpuLevel::avx512:
            return SimdLevel::avx512;
        case CpuLevel::avx2:
            return SimdLevel::avx2;
        default:
            return SimdLevel::baseline;
    }
}

// The level of the compiler-vectorised kernels, read on every dispatch (one relaxed load).
std::atomic<SimdLevel> current_level{SimdLevel::baseline};

// Follows the cap of core/cpu_features: every Highway target better than the level allows is
// disabled. Runs at start-up and after each set_cpu_max.
void apply_cpu_cap() {
    current_level.store(level_for(cpu_level()), std::memory_order_relaxed);
    const int64_t best = best_target_for(cpu_level());
    // Disable every bit below the lowest allowed bit.
    const int64_t lowest = best & -best;
    current_disabled.store(lowest - 1);
    hwy::DisableTargets(lowest - 1);
}

const bool cap_followed = [] {
    core::add_cpu_cap_observer(apply_cpu_cap);
    apply_cpu_cap();
    return true;
}();

}  // namespace

SimdLevel simd_level() {
    return current_level.load(std::memory_order_relaxed);
}

std::vector<std::string> simd_targets() {
    const int64_t all = query_targets(0);
    std::vector<std::string> names;
    for (int64_t t = all; t != 0; t &= t - 1) names.emplace_back(hwy::TargetName(t & -t));
    return names;
}

std::string simd_target() {
    (void)cap_followed;
    const int64_t t = query_targets(current_disabled.load());
    return hwy::TargetName(t & -t);
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
