// run_nn_bench and its helpers (kizuna/nn_bench.hpp).
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <string>
#include <thread>

#include "kizuna/nn_bench.hpp"
#include "nn/backend.hpp"
#include "nn/graph/graph_stats.hpp"
#include "nn/ncnn/ncnn_reader.hpp"
#include "nn/vulkan/vk_backend.hpp"
#include "nn/xnnpack/xnnpack_backend.hpp"

namespace kizuna {
namespace {

// Resets the kernel's peak-RSS mark of this process (Linux >= 4.0). False if not allowed.
bool reset_peak_rss() {
    std::ofstream f("/proc/self/clear_refs");
    if (!f) return false;
    f << "5";
    f.flush();
    return static_cast<bool>(f);
}

// User + system CPU time of the whole process (all threads), in seconds.
double process_cpu_seconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

// VmHWM of this process in MiB (0 if unreadable).
double peak_rss_mb() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    }
    return 0.0;
}

// Deterministic picture-like input in [0, 1]: gradients, a few hard edges, fine texture.
void fill_input(Tensor& t) {
    const int h = t.height();
    const int w = t.width();
    for (int c = 0; c < t.channels(); ++c) {
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                float v = 0.5f + 0.4f * std::sin(0.05f * (x + 2 * y) + c);
                if (((x / 37) + (y / 29)) % 3 == 0) v = 0.1f + 0.05f * c;
                v += 0.03f * std::sin(1.7f * x * y + c);
                t.data()[(static_cast<size_t>(c) * h + y) * w + x] = std::clamp(v, 0.f, 1.f);
            }
        }
    }
}

}  // namespace

Result<NnBenchResult> run_nn_bench(const NnBenchOptions& o) {
    if (o.tile < 1 || o.runs < 1 || o.warmup < 0 || o.threads < 0) {
        return make_error(Errc::invalid_argument,
                          fmt::format("bench nn: tile {} runs {} warmup {} threads {}: tile and "
                                      "runs must be >= 1, warmup and threads >= 0",
                                      o.tile, o.runs, o.warmup, o.threads));
    }
    NnBenchResult r;
    r.model = o.model;
    r.backend = nn_backend_name(o.backend);
    r.threads = o.threads > 0 ? o.threads
                              : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    r.runs = o.runs;
    r.peak_rss_reset = reset_peak_rss();

    auto path = resolve_model(o.model);
    if (!path) return std::move(path).error();
    auto graph = nn::load_ncnn_model(*path);
    if (!graph) return std::move(graph).error();

    // The first accepted size at or above the requested one.
    Result<std::vector<nn::Shape>> shapes = make_error(Errc::invalid_argument, "");
    for (r.tile = o.tile; r.tile < o.tile + 64; ++r.tile) {
        shapes = nn::infer_shapes(*graph, 3, r.tile, r.tile);
        if (shapes) break;
    }
    if (!shapes) {
        return make_error(Errc::invalid_argument,
                          fmt::format("bench nn: {} accepts no tile size in [{}, {}): {}", o.model,
                                      o.tile, o.tile + 64, shapes.error().message));
    }
    r.gflop_per_tile = nn::graph_weighted_flops(*graph, *shapes) * 1e-9;

    std::unique_ptr<nn::Backend> backend;
    nn::XnnpackBackend* xnn = nullptr;
    nn::VulkanBackend* vk = nullptr;
    if (o.backend == NnBackendKind::vulkan) {
        nn::VulkanBackendOptions vo;
        vo.precision = o.precision;
        auto b = nn::VulkanBackend::create(vo);
        if (!b) return std::move(b).error();
        vk = b->get();
        r.device = vk->device_name();
        r.precision = nn_precision_name(vk->precision());
        backend = std::move(*b);
    } else if (o.backend == NnBackendKind::xnnpack) {
        auto b = nn::XnnpackBackend::create(r.threads, o.direct_conv);
        if (!b) return std::move(b).error();
        xnn = b->get();
        backend = std::move(*b);
    } else {
        backend = nn::make_reference_backend(r.threads);
    }

    auto in = Tensor::create(3, r.tile, r.tile);
    if (!in) return std::move(in).error();
    fill_input(*in);
    Tensor out;
    // The peak is measured before and after the runs and the higher taken: on a machine shared
    // with other work, a momentarily low peak would flatter the share.
    FmaPeak peak_before;
    if (o.measure_fma_peak) peak_before = measure_fma_peak(r.threads, 0.5);
    using Clock = std::chrono::steady_clock;
    std::vector<double> ms;
    std::vector<double> gpu_ms;
    double cpu0 = 0.0;
    for (int i = 0; i < o.warmup + o.runs; ++i) {
        if (i == o.warmup) cpu0 = process_cpu_seconds();
        const auto t0 = Clock::now();
        KZ_TRY(backend->run(*graph, std::as_const(*in).view(), out));
        const double dt = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (i >= o.warmup) ms.push_back(dt);
        if (i >= o.warmup && vk != nullptr && vk->last_gpu_ms() >= 0)
            gpu_ms.push_back(vk->last_gpu_ms());
    }
    if (!gpu_ms.empty()) {
        std::sort(gpu_ms.begin(), gpu_ms.end());
        r.gpu_ms_median = gpu_ms[gpu_ms.size() / 2];
    }
    r.cpu_ms_per_tile = (process_cpu_seconds() - cpu0) * 1e3 / o.runs;
    r.peak_rss_mb = peak_rss_mb();
    if (xnn != nullptr) r.fallback_layers = xnn->fallback_layers();

    std::sort(ms.begin(), ms.end());
    const size_t n = ms.size();
    r.ms_median = n % 2 == 1 ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2]);
    r.ms_min = ms.front();
    r.ms_max = ms.back();
    r.gflops = r.gflop_per_tile / (r.ms_median * 1e-3);
    r.gflops_per_cpu_second = r.gflop_per_tile / (r.cpu_ms_per_tile * 1e-3);
    if (o.measure_fma_peak) {
        const FmaPeak after = measure_fma_peak(r.threads, 0.5);
        FmaPeak peak = after;
        peak.gflops = std::max(after.gflops, peak_before.gflops);
        peak.gflops_per_cpu_second =
            std::max(after.gflops_per_cpu_second, peak_before.gflops_per_cpu_second);
        r.fma_isa = peak.isa;
        r.fma_peak_gflops = peak.gflops;
        r.fma_peak_per_cpu_second = peak.gflops_per_cpu_second;
        if (peak.gflops > 0) r.peak_share = r.gflops / peak.gflops;
        if (peak.gflops_per_cpu_second > 0) {
            r.cpu_peak_share = r.gflops_per_cpu_second / peak.gflops_per_cpu_second;
        }
    }
    return r;
}

std::string nn_bench_summary_line(const NnBenchResult& r) {
    return fmt::format("ms_per_tile={:.1f} gflops={:.1f} peak_share={:.3f} peak_rss_mb={:.0f}",
                       r.ms_median, r.gflops, r.peak_share, r.peak_rss_mb);
}

}  // namespace kizuna
