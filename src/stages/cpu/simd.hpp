// Shared helpers of the fast CPU stages: ISA dispatch and per-thread scratch.
//
// Two kinds of fast kernels exist. Highway kernels (HWY_EXPORT / HWY_DYNAMIC_DISPATCH) are
// written with explicit vectors, once, and compiled for every Highway target (AVX3 = AVX-512,
// AVX2, SSE4, SSSE3, EMU128). Compiler-vectorised kernels (KZ_SIMD_FUNCTION) are plain loops over
// contiguous rows, with no data-dependent branches, compiled three times (AVX-512, AVX2,
// baseline x86-64) and picked per call.
//
// Both pick the best code the CPU runs, at most the level in force of the process-wide cap
// (kizuna::cpu_level(): KIZUNA_CPU_MAX or set_cpu_max, core/cpu_features.hpp): the kernel tests run
// once per level with it, so every variant, not only the one this machine would pick, is checked
// against the reference. Levels map to Highway targets as avx512 -> AVX3 (and better AVX3_*),
// avx2 -> AVX2, sse4 -> SSE4, ssse3 -> SSSE3, scalar -> the baseline (SCALAR or EMU128), and to
// the compiler-vectorised variants as avx512 -> avx512, avx2 -> avx2, others -> baseline. Every
// file with compiler-vectorised kernels turns floating-point contraction off (#pragma GCC
// optimize("fp-contract=off")), so their AVX-512 and AVX2 variants compute the same bits as the
// baseline one.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kizuna::stages {

// Instruction-set level of the compiler-vectorised kernels.
enum class SimdLevel { baseline, avx2, avx512 };

// The level the compiler-vectorised kernels use now: the best the CPU has, capped by the cap.
SimdLevel simd_level();

// Names of the Highway targets this build holds and this CPU runs, best first (e.g. "AVX3",
// "AVX2", "SSE4", "SSSE3", and "SCALAR" or "EMU128" as the baseline).
std::vector<std::string> simd_targets();

// The Highway target the kernels dispatch to now, by Highway's target selection.
std::string simd_target();

// The same, found by calling a probe kernel through HWY_DYNAMIC_DISPATCH: what a kernel call
// really reaches (tests check it against simd_target()).
std::string dispatched_simd_target();

// Per-thread scratch floats (64-byte aligned start, at least n). The buffer lives as long as the
// thread and only grows, so steady-state frames allocate nothing. Valid until the next call on
// the same thread with a different slot use; callers use distinct slots for distinct buffers.
float* thread_scratch(int slot, size_t n);

// p[x] = sqrt(p[x]) for x in [0, n), IEEE exact (same bits as std::sqrt), vectorised.
void sqrt_row(float* p, int n);

}  // namespace kizuna::stages

// KZ_SIMD_FUNCTION(ret, name, (params), (args)) { body }
// defines `ret name(params)`, whose body is compiled for AVX-512, AVX2 and baseline x86-64 and
// dispatched on simd_level(). Use it inside an anonymous namespace; params must name every
// argument and args must pass them on in order.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__OPTIMIZE__)
#define KZ_SIMD_FUNCTION(ret, name, params, args)                 \
    inline __attribute__((always_inline)) ret name##_body params; \
    __attribute__((target("avx512f"))) ret name##_avx512 params { \
        return name##_body args;                                  \
    }                                                             \
    __attribute__((target("avx2"))) ret name##_avx2 params {      \
        return name##_body args;                                  \
    }                                                             \
    ret name##_baseline params {                                  \
        return name##_body args;                                  \
    }                                                             \
    ret name params {                                             \
        switch (::kizuna::stages::simd_level()) {                 \
            case ::kizuna::stages::SimdLevel::avx512:             \
                return name##_avx512 args;                        \
            case ::kizuna::stages::SimdLevel::avx2:               \
                return name##_avx2 args;                          \
            default:                                              \
                return name##_baseline args;                      \
        }                                                         \
    }                                                             \
    inline __attribute__((always_inline)) ret name##_body params
#else
#define KZ_SIMD_FUNCTION(ret, name, params, args) ret name params
#endif
