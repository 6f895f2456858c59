// Shared helpers of the fast CPU stages.
//
// KZ_SIMD_CLONES compiles a function once per x86 ISA level (AVX-512, AVX2, baseline); the
// dynamic loader picks the best one for the running CPU (cpuid via an ifunc resolver). Kernels
// marked with it are written as plain loops over contiguous rows, with no data-dependent
// branches, so the compiler vectorises them. Each *_cpu.cpp file turns floating-point
// contraction off (#pragma GCC optimize("fp-contract=off")), so every clone computes the same
// bits as the baseline one: results depend neither on the CPU nor on the thread count.
#pragma once

#include <cstddef>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__OPTIMIZE__)
#define KZ_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define KZ_SIMD_CLONES
#endif

namespace kizuna::stages {

// Per-thread scratch floats (64-byte aligned start, at least n). The buffer lives as long as the
// thread and only grows, so steady-state frames allocate nothing. Valid until the next call on
// the same thread with a different slot use; callers use distinct slots for distinct buffers.
float* thread_scratch(int slot, size_t n);

}  // namespace kizuna::stages

namespace kizuna::stages {

// p[x] = sqrt(p[x]) for x in [0, n), IEEE exact (same bits as std::sqrt), vectorised.
void sqrt_row(float* p, int n);

}  // namespace kizuna::stages
