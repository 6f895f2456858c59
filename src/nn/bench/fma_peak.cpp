// FMA peak measurement for the NN benchmark (declared in kizuna/nn_bench.hpp): each thread runs
// independent chains of vector fused multiply-adds that live in registers, so the loop is bound
// by FMA throughput only. Runtime dispatch between AVX-512F and AVX2+FMA.
#include <immintrin.h>

#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "kizuna/nn_bench.hpp"
#include "kizuna/probe.hpp"

namespace kizuna {
namespace {

// 12 independent accumulators cover FMA latency (4 cycles) x 2 ports with margin.
constexpr int kChains = 12;

__attribute__((target("avx512f"))) float fma_loop_avx512(uint64_t iters) {
    __m512 acc[kChains];
    for (int k = 0; k < kChains; ++k) acc[k] = _mm512_set1_ps(0.001f * static_cast<float>(k));
    const __m512 a = _mm512_set1_ps(0.9999999f);
    const __m512 b = _mm512_set1_ps(1e-7f);
    for (uint64_t i = 0; i < iters; ++i) {
        for (int k = 0; k < kChains; ++k) acc[k] = _mm512_fmadd_ps(acc[k], a, b);
    }
    __m512 s = acc[0];
    for (int k = 1; k < kChains; ++k) s = _mm512_add_ps(s, acc[k]);
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, s);
    float t = 0.f;
    for (float v : lanes) t += v;
    return t;
}

__attribute__((target("avx2,fma"))) float fma_loop_avx2(uint64_t iters) {
    __m256 acc[kChains];
    for (int k = 0; k < kChains; ++k) acc[k] = _mm256_set1_ps(0.001f * static_cast<float>(k));
    const __m256 a = _mm256_set1_ps(0.9999999f);
    const __m256 b = _mm256_set1_ps(1e-7f);
    for (uint64_t i = 0; i < iters; ++i) {
        for (int k = 0; k < kChains; ++k) acc[k] = _mm256_fmadd_ps(acc[k], a, b);
    }
    __m256 s = acc[0];
    for (int k = 1; k < kChains; ++k) s = _mm256_add_ps(s, acc[k]);
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, s);
    float t = 0.f;
    for (float v : lanes) t += v;
    return t;
}

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace

FmaPeak measure_fma_peak(int threads, double seconds) {
    FmaPeak peak;
    const CpuLevel level = cpu_level();
    const bool avx512 = level >= CpuLevel::avx512;
    const bool avx2 = level >= CpuLevel::avx2;
    peak.isa = avx512 ? "avx512f" : avx2 ? "avx2+fma" : "none";
    if (!avx512 && !avx2) return peak;
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int lanes = avx512 ? 16 : 8;
    auto loop = [avx512](uint64_t iters) {
        return avx512 ? fma_loop_avx512(iters) : fma_loop_avx2(iters);
    };
    // Calibrate the iteration count on one thread (also warms up the wide units' clock).
    uint64_t iters = 1u << 20;
    using Clock = std::chrono::steady_clock;
    for (;;) {
        const auto t0 = Clock::now();
        volatile float sink = loop(iters);
        (void)sink;
        const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
        if (dt > 0.05) {
            iters = static_cast<uint64_t>(static_cast<double>(iters) * seconds / dt) + 1;
            break;
        }
        iters *= 2;
    }
    // All threads together; each thread's rate is counted over its own time.
    std::vector<double> rate(static_cast<size_t>(threads), 0.0);
    std::vector<double> cpu_rate(static_cast<size_t>(threads), 0.0);
    std::atomic<int> ready{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            ready.fetch_add(1);
            while (ready.load() < threads) {
            }
            const double c0 = thread_cpu_seconds();
            const auto t0 = Clock::now();
            volatile float sink = loop(iters);
            (void)sink;
            const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
            const double dc = thread_cpu_seconds() - c0;
            const double gflop = static_cast<double>(iters) * kChains * lanes * 2.0 * 1e-9;
            rate[static_cast<size_t>(t)] = gflop / dt;
            cpu_rate[static_cast<size_t>(t)] = dc > 0 ? gflop / dc : 0.0;
        });
    }
    for (auto& th : pool) th.join();
    for (double r : rate) peak.gflops += r;
    for (double r : cpu_rate) peak.gflops_per_cpu_second += r / threads;
    return peak;
}

}  // namespace kizuna
