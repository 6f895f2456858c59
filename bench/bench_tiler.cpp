// Tiler speed benchmark: one 1920x1080 frame (a renpy-thequestion background resized by FFmpeg's
// lanczos) through realesr-animevideov3-x2 on the XNNPACK backend, untiled, tiled under the
// default memory budget (what kizuna::Upscaler gives the model) and tiled under a low budget
// (1 GiB unless --budget-mib). Each variant runs in its own child process, so its peak resident
// memory is its own. Prints per variant: the layout, ms per frame (median / min / max after a
// warm-up), ms per megapixel, the ratio to untiled, GFLOP/s of the frame's work and of the work
// executed (overlaps included) against this machine's FMA peak on the same threads, peak RSS and
// its growth during the runs against the budget, and the largest difference from the untiled
// output. Then the peer realesrgan-ncnn-vulkan on a crop of the same frame (on lavapipe, software
// Vulkan, where there is no GPU), timed as (2 crops - 1 crop) per run so start-up cancels out,
// next to ours on the same crop.
//
//   bench_tiler [--threads N] [--reps N] [--warmup N] [--size W H] [--budget-mib N] [--tile N]
//               [--image PATH] [--peer-crop N] [--no-peer] [--models] [--models-only]
//               [--model-size N]
//
// --tile N adds a variant with a fixed N x N tile (no budget). --models adds ms per megapixel of
// every installed model of the catalogue on one untiled --model-size square (256 by default;
// about ten minutes for all of them on two cores); --models-only runs only that table.
// The default run (2 timed runs after 1 warm-up per layout) takes about 12 minutes on two AVX2
// cores (18 with --tile 512): a 1080p frame is 2.6 TFLOP of this model.
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "image_metrics.hpp"
#include "kizuna/memory_budget.hpp"
#include "kizuna/models.hpp"
#include "kizuna/nn_bench.hpp"
#include "kizuna/nn_tiler.hpp"
#include "peer_realesrgan.hpp"
#include "rgb_image.hpp"

namespace fs = std::filesystem;
using namespace kizuna;
using namespace kizuna::bench;

namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kModel = "realesr-animevideov3-x2";
constexpr double kMiB = 1024.0 * 1024.0;

// A /proc/self/status field in kB as MiB (0 when absent).
double status_mib(const char* key) {
    std::ifstream f("/proc/self/status");
    std::string line;
    const size_t n = std::strlen(key);
    while (std::getline(f, line))
        if (line.compare(0, n, key) == 0 && line.size() > n && line[n] == ':')
            return std::stod(line.substr(n + 1)) / 1024.0;
    return 0;
}

// User + system CPU time of this process (all threads), in ms.
double process_cpu_ms() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return 1e3 * static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           1e-3 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

// What a child process reports back through shared memory.
struct ChildResult {
    static constexpr int kMaxRuns = 32;
    int ok = 0;
    char error[512] = {};
    int runs = 0;
    double ms[kMaxRuns] = {};
    int tile_w = 0, tile_h = 0, tiles_x = 0, tiles_y = 0, overlap = 0;
    uint64_t working_bytes = 0;
    double rss_start_mib = 0, rss_peak_mib = 0;
    bool hwm_reset = false;
    double cpu_ms_per_run = 0;  // user + system CPU time of all threads per timed run
};

// Memory shared with the children (anonymous, MAP_SHARED), freed with the object.
class SharedBlock {
public:
    explicit SharedBlock(size_t bytes) : bytes_(bytes) {
        void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        ptr_ = p == MAP_FAILED ? nullptr : p;
    }
    SharedBlock(const SharedBlock&) = delete;
    SharedBlock& operator=(const SharedBlock&) = delete;
    SharedBlock(SharedBlock&& o) noexcept
        : ptr_(std::exchange(o.ptr_, nullptr)), bytes_(o.bytes_) {}
    ~SharedBlock() {
        if (ptr_) munmap(ptr_, bytes_);
    }
    void* get() const { return ptr_; }

private:
    void* ptr_ = nullptr;
    size_t bytes_ = 0;
};

struct Variant {
    std::string label;
    TileSettings settings;
    uint64_t budget = 0;  // what the label promises (0 = none)
};

// The child's work: creates the tiler and plans; with reps > 0 also runs warmup + reps times
// into `out`. Reports in `res`.
void child_run(const Variant& v, ConstTensorView input, TensorView out, int threads, int warmup,
               int reps, ChildResult& res) {
    auto fail = [&](const std::string& what) {
        std::snprintf(res.error, sizeof res.error, "%s", what.c_str());
    };
    auto model = Model::load(kModel);
    if (!model) return fail(model.error().message);
    SessionOptions so;
    so.backend = NnBackendKind::xnnpack;
    so.threads = threads;
    auto tiler = Tiler::create(*model, so, v.settings);
    if (!tiler) return fail(tiler.error().message);
    auto plan = tiler->plan(input.height, input.width);
    if (!plan) return fail(plan.error().message);
    auto take = [&](const TileReport& rep) {
        res.tile_w = rep.tile_width;
        res.tile_h = rep.tile_height;
        res.tiles_x = rep.tiles_x;
        res.tiles_y = rep.tiles_y;
        res.overlap = std::max(rep.overlap_x, rep.overlap_y);
        res.working_bytes = rep.working_bytes;
    };
    take(*plan);
    if (reps == 0) {
        res.ok = 1;
        return;
    }
    // The output is the caller's memory (not the tiler's): touch it before the peak is reset.
    std::memset(out.data, 0, sizeof(float) * static_cast<size_t>(out.plane_stride) * 3);
    {
        std::ofstream f("/proc/self/clear_refs");
        f << "5";
        f.flush();
        res.hwm_reset = static_cast<bool>(f);
    }
    res.rss_start_mib = status_mib("VmRSS");
    double cpu0 = 0;
    for (int i = 0; i < warmup + reps; ++i) {
        if (i == warmup) cpu0 = process_cpu_ms();
        const auto t0 = Clock::now();
        auto r = tiler->run(input, out);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (!r) return fail(r.error().message);
        if (i >= warmup) res.ms[res.runs++] = ms;
    }
    res.cpu_ms_per_run = (process_cpu_ms() - cpu0) / reps;
    res.rss_peak_mib = status_mib("VmHWM");
    take(tiler->last_report());
    res.ok = 1;
}

// Runs `v` in a child process (fork: the parent has started no thread by then).
bool run_variant(const Variant& v, ConstTensorView input, TensorView out, int threads, int warmup,
                 int reps, ChildResult& res, double& child_maxrss_mib) {
    SharedBlock block(sizeof(ChildResult));
    if (!block.get()) return false;
    auto* shared = new (block.get()) ChildResult{};
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
        child_run(v, input, out, threads, warmup, reps, *shared);
        _exit(shared->ok ? 0 : 1);
    }
    int status = 0;
    rusage ru{};
    if (wait4(pid, &status, 0, &ru) != pid) return false;
    child_maxrss_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;
    res = *shared;
    if (!WIFEXITED(status) && res.error[0] == '\0')
        std::snprintf(res.error, sizeof res.error, "child ended by signal %d",
                      WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return res.ok != 0;
}

// The first three fields of /proc/loadavg: the machine may be shared.
std::string load_average() {
    std::ifstream f("/proc/loadavg");
    std::string a, b, c;
    f >> a >> b >> c;
    return a + " " + b + " " + c;
}

// Largest |a - b| over two 3 x h x w outputs.
double max_abs_diff(const float* a, const float* b, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; ++i) m = std::max(m, static_cast<double>(std::fabs(a[i] - b[i])));
    return m;
}

// The default budget of the model's tiles: what kizuna::Upscaler computes for a frame
// (src/pipeline/hybrid/upscaler.cpp): 75% of the available memory less the frames the chain
// holds (input, model input and output, output picture and the stages' planes).
uint64_t default_budget(int w, int h, int scale) {
    const uint64_t out_px = uint64_t{4} * w * h;  // x2 output
    const uint64_t held = uint64_t{16} * w * h + uint64_t{12} * w * h +
                          uint64_t{12} * scale * scale * w * h + uint64_t{64} * out_px;
    return MemoryBudget::from_available(probe_available_memory()).bytes_left(held);
}

// Ours on a crop (untiled, whole picture) vs the peer on the same crop.
void peer_timing(const Rgb& frame, int side, int threads, int reps) {
    const Rgb c = crop(frame, (frame.w - side) / 2, (frame.h - side) / 2, side, side);
    const fs::path work = fs::temp_directory_path() / "kizuna-bench-tiler-peer";
    fs::remove_all(work);
    fs::create_directories(work / "in1");
    fs::create_directories(work / "in2");
    if (!write_png(c, work / "in1/a.png") || !write_png(c, work / "in2/a.png") ||
        !write_png(c, work / "in2/b.png")) {
        fmt::print("peer: cannot write its input\n");
        return;
    }
    // Ours first (the peer's pipeline compilation then does not share the cores with it).
    auto model = Model::load(kModel);
    if (!model) return;
    SessionOptions so;
    so.backend = NnBackendKind::xnnpack;
    so.threads = threads;
    auto tiler = Tiler::create(*model, so, {});
    if (!tiler) return;
    const Tensor in = to_tensor(c);
    Tensor out = std::move(Tensor::create(3, 2 * side, 2 * side).value());
    std::vector<double> ms;
    for (int i = 0; i < 1 + reps; ++i) {
        const auto t0 = Clock::now();
        if (!tiler->run(in.view(), out.view())) return;
        if (i > 0)
            ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    const Stats ours = stats(ms);
    fmt::print("\npeer realesrgan-ncnn-vulkan -n realesr-animevideov3 -s 2 -t {} on a {}x{} crop\n",
               side, side, side);
    fmt::print("  ours ({} threads, XNNPACK): {:.0f} ms median (min {:.0f}, max {:.0f})\n", threads,
               ours.median, ours.min, ours.max);
    std::fflush(stdout);
    PeerRun pr;
    pr.tile = side;
    pr.log = work / "peer.log";
    pr.input_dir = work / "in1";
    pr.output_dir = work / "out1";
    const double one = run_realesrgan_peer(pr);
    pr.input_dir = work / "in2";
    pr.output_dir = work / "out2";
    const double two = one >= 0 ? run_realesrgan_peer(pr) : one;
    if (one == -2 || two == -2) {
        fmt::print("  peer not installed: {}\n", realesrgan_peer_path().string());
        return;
    }
    if (one < 0 || two < 0) {
        fmt::print("  peer failed, see {}\n", pr.log.string());
        return;
    }
    std::vector<uint8_t> log;
    run_capture("grep -m1 '^\\[0 ' " + quote(pr.log.string()), log);
    std::string dev(log.begin(), log.end());
    while (!dev.empty() && dev.back() == '\n') dev.pop_back();
    const bool soft = dev.find("llvmpipe") != std::string::npos;
    fmt::print("  peer device: {} ({})\n", dev.empty() ? "?" : dev,
               soft ? "SOFTWARE Vulkan: Mesa lavapipe on this CPU, not a GPU" : "Vulkan device");
    fmt::print(
        "  peer: 1 crop {:.0f} ms wall, 2 crops {:.0f} ms wall -> {:.0f} ms per crop without "
        "start-up; peer / ours = {:.2f}x\n",
        one, two, two - one, (two - one) / ours.median);
}

void model_table(int size, int threads) {
    fmt::print(
        "\nevery installed model, one untiled {}x{} input (XNNPACK, {} threads, 1 run after "
        "1 warm-up)\n",
        size, size, threads);
    fmt::print("  {:<36} {:>6} {:>10} {:>10} {:>9}\n", "model", "input", "ms", "ms/MP", "GFLOP/s");
    for (const ModelEntry& e : list_models()) {
        if (!e.found) continue;
        NnBenchOptions o;
        o.model = e.id;
        o.tile = size;
        o.threads = threads;
        o.warmup = 1;
        o.runs = 1;
        o.measure_fma_peak = false;
        auto r = run_nn_bench(o);
        if (!r) {
            fmt::print("  {:<36} {}\n", e.id, r.error().message);
            continue;
        }
        const double mp = static_cast<double>(r->tile) * r->tile / 1e6;
        fmt::print("  {:<36} {:>6} {:>10.0f} {:>10.0f} {:>9.1f}\n", e.id, r->tile, r->ms_median,
                   r->ms_median / mp, r->gflops);
        std::fflush(stdout);
    }
}

}  // namespace

int main(int argc, char** argv) {
    int threads = 2, reps = 2, warmup = 1, budget_mib = 1024, fixed_tile = 0, peer_side = 128,
        model_size = 256;
    int W = 1920, H = 1080;
    bool peer = true, models = false, models_only = false;
    std::string image = "/usr/share/games/renpy/the_question/game/images/bg club.jpg";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto num = [&]() { return i + 1 < argc ? std::atoi(argv[++i]) : 0; };
        if (a == "--threads")
            threads = num();
        else if (a == "--reps")
            reps = std::clamp(num(), 1, ChildResult::kMaxRuns - 1);
        else if (a == "--warmup")
            warmup = std::clamp(num(), 0, 4);
        else if (a == "--size" && i + 2 < argc) {
            W = std::max(16, num());
            H = std::max(16, num());
        } else if (a == "--budget-mib")
            budget_mib = std::max(1, num());
        else if (a == "--tile")
            fixed_tile = num();
        else if (a == "--peer-crop")
            peer_side = std::max(32, num());
        else if (a == "--model-size")
            model_size = std::max(16, num());
        else if (a == "--image" && i + 1 < argc)
            image = argv[++i];
        else if (a == "--no-peer")
            peer = false;
        else if (a == "--models")
            models = true;
        else if (a == "--models-only")
            models = models_only = true;
        else {
            fmt::print(
                stderr,
                "usage: {} [--threads N] [--reps N] [--warmup N] [--size W H] [--budget-mib N] "
                "[--tile N] "
                "[--image PATH] [--peer-crop N] [--no-peer] [--models] [--models-only] "
                "[--model-size N]\n",
                argv[0]);
            return 2;
        }
    }
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (models_only) {
        model_table(model_size, threads);
        return 0;
    }
    Rgb src, frame;
    if (!read_image(image, src) || !ffmpeg_scale(src, W, H, "lanczos", 1, frame, nullptr)) {
        fmt::print(stderr, "cannot read and resize {} (install renpy-thequestion)\n", image);
        return 1;
    }
    auto info = inspect_model(kModel);
    if (!info) {
        fmt::print(stderr, "{}\n", info.error().message);
        return 1;
    }
    const int s = info->scale;
    const Tensor input = to_tensor(frame);
    const size_t out_floats = size_t{3} * s * H * s * W;
    const double frame_gflop = info->mflop_per_pixel * W * H / 1e3;
    const double mp = W * H / 1e6;

    std::vector<Variant> variants;
    variants.push_back({"untiled (no budget)", {}, 0});
    {
        Variant v;
        v.budget = default_budget(W, H, s);
        v.settings.memory_bytes = v.budget;
        v.label = fmt::format("default budget {}", format_bytes(v.budget));
        variants.push_back(v);
    }
    {
        Variant v;
        v.budget = uint64_t(budget_mib) << 20;
        v.settings.memory_bytes = v.budget;
        v.label = fmt::format("low budget {}", format_bytes(v.budget));
        variants.push_back(v);
    }
    if (fixed_tile > 0) {
        Variant v{fmt::format("fixed tile {}", fixed_tile), {}, 0};
        v.settings.tile_size = fixed_tile;
        variants.push_back(v);
    }

    fmt::print(
        "{} ({:.3f} MFLOP per input pixel, receptive radius {} input px), {}x{} -> {}x{}, frame "
        "from {}\n",
        kModel, info->mflop_per_pixel, info->receptive_radius, W, H, s * W, s * H, image);
    fmt::print(
        "XNNPACK backend, {} threads; per variant {} warm-up + {} timed runs in a child "
        "process; load average {}\n",
        threads, warmup, reps, load_average());
    // The FMA loop's threads end before the first fork.
    const FmaPeak peak_before = measure_fma_peak(threads, 1.0);
    std::vector<SharedBlock> outputs;
    std::vector<ChildResult> results(variants.size());
    std::vector<bool> ran(variants.size(), false);
    double untiled_ms = 0;
    for (size_t k = 0; k < variants.size(); ++k) {
        const Variant& v = variants[k];
        outputs.emplace_back(sizeof(float) * out_floats);
        if (!outputs.back().get()) return 1;
        TensorView out{static_cast<float*>(outputs.back().get()), 3, s * H, s * W,
                       static_cast<ptrdiff_t>(s * H) * s * W};
        double maxrss = 0;
        ChildResult& r = results[k];
        fmt::print("{}:\n", v.label);
        // Plan first: a layout already timed is not run again.
        if (!run_variant(v, input.view(), out, threads, 0, 0, r, maxrss)) {
            fmt::print("  failed: {}\n", r.error);
            continue;
        }
        fmt::print("  layout {}x{} tiles of {}x{} (overlap {}), working memory {}\n", r.tiles_x,
                   r.tiles_y, r.tile_w, r.tile_h, r.overlap, format_bytes(r.working_bytes));
        size_t same = k;
        for (size_t j = 0; j < k; ++j)
            if (ran[j] && results[j].tile_w == r.tile_w && results[j].tile_h == r.tile_h &&
                results[j].tiles_x == r.tiles_x && results[j].tiles_y == r.tiles_y)
                same = j;
        if (same != k) {
            fmt::print("  the same layout as \"{}\": not run again\n", variants[same].label);
            continue;
        }
        if (!run_variant(v, input.view(), out, threads, warmup, reps, r, maxrss)) {
            fmt::print("  failed: {}\n", r.error);
            continue;
        }
        ran[k] = true;
        const Stats t = stats(std::vector<double>(r.ms, r.ms + r.runs));
        if (k == 0) untiled_ms = t.median;
        const double exec_gflop =
            info->mflop_per_pixel * r.tiles_x * r.tiles_y * r.tile_w * r.tile_h / 1e3;
        fmt::print(
            "  ms/frame median {:.0f} min {:.0f} max {:.0f}; {:.0f} ms/MP; tiled/untiled "
            "{:.3f}\n",
            t.median, t.min, t.max, t.median / mp, untiled_ms > 0 ? t.median / untiled_ms : 0);
        fmt::print(
            "  GFLOP/s {:.1f} (the frame's {:.0f} GFLOP); executed {:.1f} ({:.0f} GFLOP, "
            "overlaps and edge padding included)\n",
            frame_gflop / (t.median / 1e3), frame_gflop, exec_gflop / (t.median / 1e3), exec_gflop);
        fmt::print(
            "  peak RSS {:.0f} MiB{} (start {:.0f} MiB, growth during the runs {:.0f} MiB; child "
            "lifetime {:.0f} MiB){}\n",
            r.rss_peak_mib, r.hwm_reset ? "" : " (VmHWM not reset)", r.rss_start_mib,
            r.rss_peak_mib - r.rss_start_mib, maxrss,
            v.budget ? fmt::format(" vs budget {:.0f} MiB", v.budget / kMiB) : "");
        if (k > 0 && ran[0]) {
            const double d = max_abs_diff(static_cast<const float*>(outputs[0].get()),
                                          static_cast<const float*>(outputs[k].get()), out_floats);
            fmt::print("  max |tiled - untiled| {:.3g} ({:.3g} 8-bit levels)\n", d, d * 255);
        }
        std::fflush(stdout);
    }

    FmaPeak peak = measure_fma_peak(threads, 1.0);
    if (peak_before.gflops > peak.gflops) peak = peak_before;
    fmt::print(
        "\nFMA peak ({}, {} threads; the higher of a measurement before and one after the runs): "
        "{:.1f} GFLOP/s, {:.1f} GFLOP per thread-CPU-second\n",
        peak.isa, threads, peak.gflops, peak.gflops_per_cpu_second);
    fmt::print("  {:<32} {:>8} {:>7} {:>9} | {:>9} {:>12} {:>7}\n", "", "GFLOP/s", "% peak",
               "executed", "CPU-s/run", "GFLOP/CPU-s", "% peak");
    for (size_t k = 0; k < variants.size(); ++k) {
        if (!ran[k]) continue;
        const ChildResult& r = results[k];
        const double sec = stats(std::vector<double>(r.ms, r.ms + r.runs)).median / 1e3;
        const double exec_gflop =
            info->mflop_per_pixel * r.tiles_x * r.tiles_y * r.tile_w * r.tile_h / 1e3;
        const double cpu_s = r.cpu_ms_per_run / 1e3;
        auto pct = [](double a, double b) { return b > 0 ? 100 * a / b : 0.0; };
        // Per CPU-second: what the threads achieve while they hold a core, which stays
        // meaningful on a machine shared with other work; executed work, against one thread's
        // FMA rate per CPU-second.
        fmt::print("  {:<32} {:8.1f} {:6.1f}% {:8.1f}% | {:9.1f} {:12.1f} {:6.1f}%\n",
                   variants[k].label, frame_gflop / sec, pct(frame_gflop / sec, peak.gflops),
                   pct(exec_gflop / sec, peak.gflops), cpu_s, exec_gflop / cpu_s,
                   pct(exec_gflop / cpu_s, peak.gflops_per_cpu_second));
    }
    fmt::print(
        "  (GFLOP/s and % peak: the frame's work per wall second; executed: the work run, overlaps "
        "included, per wall second)\n");
    if (peer) peer_timing(frame, peer_side, threads, 3);
    if (models) model_table(model_size, threads);
    return 0;
}
