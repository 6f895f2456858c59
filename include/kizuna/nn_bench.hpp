// Neural-network throughput benchmark, shared by bench/bench_nn and `kizuna bench nn`.
//
// Runs one model on one square tile through a backend: warm-up runs, then timed runs; reports
// milliseconds per tile (median, min, max), GFLOP/s from the graph's FLOP count, the share of
// this machine's own FMA peak measured on the same number of threads, and the process's peak
// resident memory while the model was loaded and run.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/models.hpp"

namespace kizuna {

struct NnBenchOptions {
    std::string model = "realesr-animevideov3-x4";  // catalogue id or .param path
    int tile = 256;  // requested tile side in input pixels; models that only take
                     // some sizes use the next accepted size up (see result.tile)
    NnBackendKind backend = NnBackendKind::xnnpack;
    int threads = 0;               // 0 = all hardware threads
    int warmup = 1;                // untimed runs first (>= 0)
    int runs = 5;                  // timed runs (>= 1)
    bool measure_fma_peak = true;  // false: peak_gflops and peak_share are 0
    // XNNPACK backend: ordinary convolutions on KizunaSR's own AVX-512 direct kernel (the
    // default, where the CPU has AVX-512); false runs them on XNNPACK's operators, to compare.
    bool direct_conv = true;
    // The Vulkan backend's number format (kizuna/models.hpp); the CPU backends run fp32.
    NnPrecision precision = NnPrecision::automatic;
};

struct NnBenchResult {
    std::string model;      // id or path as given
    std::string backend;    // "xnnpack", "reference" or "vulkan"
    std::string device;     // the Vulkan backend's device, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)";
                            // empty for the CPU backends
    std::string precision;  // the Vulkan backend's precision in use, "fp32" or "fp16"; empty
                            // for the CPU backends
    double gpu_ms_median = -1;  // Vulkan: median GPU time per tile from timestamps (the
                                // command buffer, upload and download included); -1: none
    int tile = 0;               // tile side actually run
    int threads = 0;            // threads actually used
    int runs = 0;
    double ms_median = 0;
    double ms_min = 0;
    double ms_max = 0;
    double gflop_per_tile = 0;   // convolution, deconvolution and inner-product FLOPs (a
                                 // multiply-add = 2), from the graph at this tile size
    double gflops = 0;           // gflop_per_tile / median seconds
    double fma_peak_gflops = 0;  // measured FMA peak on `threads` threads (AVX-512, else AVX2):
                                 // the higher of a measurement before and one after the runs
    const char* fma_isa = "";    // "avx512f", "avx2+fma" or "none"
    double peak_share = 0;       // gflops / fma_peak_gflops
    // The same figures per CPU-second instead of per wall-second, which stay meaningful on a
    // loaded machine where the threads do not get whole cores: CPU time (all threads, user +
    // system, pool spin-waits included) per tile, FLOP per CPU-second, and the FMA loop's FLOP
    // per thread-CPU-second (one core's peak).
    double cpu_ms_per_tile = 0;
    double gflops_per_cpu_second = 0;
    double fma_peak_per_cpu_second = 0;
    double cpu_peak_share = 0;    // gflops_per_cpu_second / fma_peak_per_cpu_second
    double peak_rss_mb = 0;       // peak resident set (MiB) of the process from model load to
                                  // the last run (VmHWM reset first where the kernel allows)
    bool peak_rss_reset = false;  // false: peak_rss_mb is the whole process's lifetime peak
    std::vector<std::string> fallback_layers;  // XNNPACK: layers run by the reference backend
};

// Loads the model, runs it and measures. Errors: not_found (model), invalid_argument (options),
// unsupported (backend or layer), out_of_memory.
Result<NnBenchResult> run_nn_bench(const NnBenchOptions& options);

// The closing line of `kizuna bench nn`:
// "ms_per_tile=<median> gflops=<g> peak_share=<s> peak_rss_mb=<m>".
std::string nn_bench_summary_line(const NnBenchResult& result);

// The machine's FMA peak measured by a register-only fused multiply-add loop run on `threads`
// threads at once (0 = all hardware threads) for about `seconds`, with the widest of AVX-512F /
// AVX2+FMA the CPU has (runtime dispatch). All zero (isa "none") when neither is available.
struct FmaPeak {
    double gflops = 0;                 // all threads together, per wall-clock second
    double gflops_per_cpu_second = 0;  // per thread, per second of that thread's CPU time
    const char* isa = "none";
};
FmaPeak measure_fma_peak(int threads, double seconds = 0.5);

}  // namespace kizuna
