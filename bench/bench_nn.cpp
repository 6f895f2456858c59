// NN benchmark: XNNPACK (or reference, or Vulkan) backend on 256x256 tiles of
// realesr-animevideov3-x2, -x4 and realesrgan-x4plus-anime; ms per tile (median/min/max), GFLOP/s,
// share of this machine's FMA peak (measured here on the same threads), peak RSS; then the peer
// realesrgan-ncnn-vulkan (on whatever Vulkan device it finds, lavapipe on a machine without GPU) on
// the same picture, and the ratio of its time per tile to ours.
//
// Usage: bench_nn [--runs N] [--warmup N] [--threads N] [--tile N] [--models a,b,...]
//                 [--backend xnnpack|reference|vulkan] [--no-peer] [--peer-per-tile]
//                 [--no-xnnpack-conv] [--precision auto|fp32|fp16]
// --backend vulkan runs our Vulkan backend on the best Vulkan device (lavapipe on a machine
// without GPU, the same device the peer then uses) in --precision (auto, the default: fp16 where
// the device has 16-bit storage buffers) and also prints the device's name, the precision and
// the GPU time per tile from timestamps; the peer is then timed per tile (--peer-per-tile) by
// default, as start-up would dominate its one-image time.
// The XNNPACK backend runs ordinary convolutions on our own AVX-512 direct kernel where the CPU
// has AVX-512; unless --no-xnnpack-conv, the same model is then also timed with every
// convolution on XNNPACK's own operators, and the ratio printed.
// By default the peer runs once on the one-tile picture and its wall time (start-up included:
// Vulkan device, model load, pipeline compilation) is compared. With --peer-per-tile it also
// runs on two copies, and (2 images - 1 image) is its time per tile without start-up.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "kizuna/image.hpp"
#include "kizuna/media.hpp"
#include "kizuna/models.hpp"
#include "kizuna/nn_bench.hpp"

namespace fs = std::filesystem;
using kizuna::NnBackendKind;

namespace {

struct PeerModel {
    std::string id;    // our catalogue id
    std::string name;  // the peer's -n
    int scale;         // the peer's -s
};

const PeerModel kModels[] = {
    {"realesr-animevideov3-x2", "realesr-animevideov3", 2},
    {"realesr-animevideov3-x4", "realesr-animevideov3", 4},
    {"realesrgan-x4plus-anime", "realesrgan-x4plus-anime", 4},
};

// The same picture-like content as run_nn_bench's input, as an RGBA float image.
kizuna::Image make_picture(int side) {
    kizuna::Image img = std::move(*kizuna::Image::create(side, side, kizuna::PixelFormat::rgba32f));
    for (int y = 0; y < side; ++y) {
        float* row = img.view().row_as<float>(y);
        for (int x = 0; x < side; ++x) {
            for (int c = 0; c < 3; ++c) {
                float v = 0.5f + 0.4f * std::sin(0.05f * (x + 2 * y) + c);
                if (((x / 37) + (y / 29)) % 3 == 0) v = 0.1f + 0.05f * c;
                v += 0.03f * std::sin(1.7f * x * y + c);
                row[x * 4 + c] = std::min(1.f, std::max(0.f, v));
            }
            row[x * 4 + 3] = 1.f;
        }
    }
    return img;
}

// Runs a shell command; returns its wall time in ms, or a negative value if it failed.
double timed_system(const std::string& cmd) {
    const auto t0 = std::chrono::steady_clock::now();
    const int rc = std::system(cmd.c_str());
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return rc == 0 ? ms : -1.0;
}

struct PeerTiming {
    double one_image_ms = -1;  // wall time of a run on one image (start-up included)
    double per_tile_ms = -1;   // (two images - one image)
};

PeerTiming run_peer(const PeerModel& m, const fs::path& work, int tile, bool per_tile) {
    PeerTiming t;
    const char* home = std::getenv("HOME");
    const fs::path peer =
        fs::path(home != nullptr ? home : "/") / ".cache/kizuna/peers/realesrgan-ncnn-vulkan";
    if (!fs::exists(peer)) {
        fmt::print("  peer: {} not installed (scripts/fetch-models.sh)\n", peer.string());
        return t;
    }
    const fs::path model_dir = kizuna::models_directory() / "real-esrgan/models";
    const std::string base = fmt::format("XDG_RUNTIME_DIR=/tmp '{}' -n {} -s {} -t {} -m '{}'",
                                         peer.string(), m.name, m.scale, tile, model_dir.string());
    fs::remove_all(work / "out1");
    fs::remove_all(work / "out2");
    fs::create_directories(work / "out1");
    fs::create_directories(work / "out2");
    t.one_image_ms =
        timed_system(fmt::format("{} -i '{}' -o '{}' > '{}' 2>&1", base, (work / "in1").string(),
                                 (work / "out1").string(), (work / "peer.log").string()));
    if (t.one_image_ms < 0) {
        fmt::print("  peer: failed, see {}\n", (work / "peer.log").string());
        return t;
    }
    if (!per_tile) return t;
    const double two =
        timed_system(fmt::format("{} -i '{}' -o '{}' > '{}' 2>&1", base, (work / "in2").string(),
                                 (work / "out2").string(), (work / "peer.log").string()));
    if (two < 0) {
        fmt::print("  peer: failed on two images, see {}\n", (work / "peer.log").string());
        return t;
    }
    t.per_tile_ms = two - t.one_image_ms;
    return t;
}

}  // namespace

int main(int argc, char** argv) {
    kizuna::NnBenchOptions base;
    base.runs = 5;
    base.warmup = 1;
    bool peer = true;
    bool peer_per_tile = false;
    bool compare_xnnpack_conv = true;
    std::vector<std::string> only;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (a == "--runs")
            base.runs = std::atoi(next().c_str());
        else if (a == "--warmup")
            base.warmup = std::atoi(next().c_str());
        else if (a == "--threads")
            base.threads = std::atoi(next().c_str());
        else if (a == "--tile")
            base.tile = std::atoi(next().c_str());
        else if (a == "--no-peer")
            peer = false;
        else if (a == "--peer-per-tile")
            peer_per_tile = true;
        else if (a == "--no-xnnpack-conv")
            compare_xnnpack_conv = false;
        else if (a == "--precision") {
            const std::string name = next();
            if (!kizuna::parse_nn_precision(name, &base.precision)) {
                fmt::print(stderr, "--precision: \"{}\" is not one of auto, fp32, fp16\n", name);
                return 2;
            }
        } else if (a == "--backend") {
            const std::string name = next();
            if (!kizuna::parse_nn_backend(name, &base.backend)) {
                fmt::print(stderr, "--backend: \"{}\" is not one of xnnpack, reference, vulkan\n",
                           name);
                return 2;
            }
            if (base.backend == NnBackendKind::vulkan) peer_per_tile = true;
        } else if (a == "--models") {
            std::string list = next();
            for (size_t p = 0; p <= list.size();) {
                const size_t q = std::min(list.find(',', p), list.size());
                if (q > p) only.push_back(list.substr(p, q - p));
                p = q + 1;
            }
        } else {
            fmt::print(
                stderr,
                "usage: {} [--runs N] [--warmup N] [--threads N] [--tile N] "
                "[--models a,b] [--backend xnnpack|reference|vulkan] [--no-peer] [--peer-per-tile] "
                "[--no-xnnpack-conv] [--precision auto|fp32|fp16]\n",
                argv[0]);
            return 2;
        }
    }

    const fs::path work = fs::temp_directory_path() / "kizuna-bench-nn";
    fs::create_directories(work / "in1");
    fs::create_directories(work / "in2");
    if (peer) {
        const kizuna::Image pic = make_picture(base.tile);
        for (const char* f : {"in1/a.png", "in2/a.png", "in2/b.png"}) {
            auto w = kizuna::write_image(work / f, pic.view());
            if (!w) {
                fmt::print(stderr, "cannot write the peer's input: {}\n", w.error().message);
                return 1;
            }
        }
    }

    int failures = 0;
    for (const PeerModel& m : kModels) {
        if (!only.empty() && std::find(only.begin(), only.end(), m.id) == only.end()) continue;
        kizuna::NnBenchOptions o = base;
        o.model = m.id;
        auto r = kizuna::run_nn_bench(o);
        if (!r) {
            fmt::print("{}: {}\n", m.id, r.error().message);
            ++failures;
            continue;
        }
        fmt::print("{} {} tile {}x{} threads {} ({} runs after {} warm-up)\n", m.id, r->backend,
                   r->tile, r->tile, r->threads, r->runs, o.warmup);
        fmt::print("  ms/tile median {:.1f} min {:.1f} max {:.1f}\n", r->ms_median, r->ms_min,
                   r->ms_max);
        if (!r->device.empty())
            fmt::print("  device: {}, {}; GPU time per tile (timestamps, median) {:.1f} ms\n",
                       r->device, r->precision, r->gpu_ms_median);
        fmt::print(
            "  {:.1f} GFLOP/tile, {:.1f} GFLOP/s; FMA peak ({}, {} threads) {:.1f} GFLOP/s "
            "-> {:.1f}% of peak\n",
            r->gflop_per_tile, r->gflops, r->fma_isa, r->threads, r->fma_peak_gflops,
            100.0 * r->peak_share);
        fmt::print(
            "  per CPU-second (loaded machine): {:.0f} CPU-ms/tile, {:.1f} GFLOP per "
            "CPU-s; FMA loop {:.1f} GFLOP per thread-CPU-s -> {:.1f}% of peak\n",
            r->cpu_ms_per_tile, r->gflops_per_cpu_second, r->fma_peak_per_cpu_second,
            100.0 * r->cpu_peak_share);
        fmt::print("  peak RSS {:.0f} MiB{}\n", r->peak_rss_mb,
                   r->peak_rss_reset ? "" : " (process lifetime peak: VmHWM reset not allowed)");
        for (const auto& f : r->fallback_layers) fmt::print("  reference fallback: {}\n", f);
        if (compare_xnnpack_conv && o.backend == NnBackendKind::xnnpack) {
            kizuna::NnBenchOptions ox = o;
            ox.direct_conv = false;
            auto rx = kizuna::run_nn_bench(ox);
            if (rx) {
                fmt::print(
                    "  all convolutions on XNNPACK operators: ms/tile median {:.1f} min {:.1f} "
                    "max {:.1f}, {:.1f} GFLOP/s, {:.1f}% of peak; XNNPACK-only / ours = {:.2f}x\n",
                    rx->ms_median, rx->ms_min, rx->ms_max, rx->gflops, 100.0 * rx->peak_share,
                    rx->ms_median / r->ms_median);
            } else {
                fmt::print("  all convolutions on XNNPACK operators: {}\n", rx.error().message);
            }
        }
        if (peer) {
            const PeerTiming t = run_peer(m, work, base.tile, peer_per_tile);
            if (t.per_tile_ms > 0) {
                fmt::print(
                    "  peer realesrgan-ncnn-vulkan: {:.0f} ms per tile (1 image run: {:.0f} "
                    "ms wall); peer / kizuna = {:.2f}x\n",
                    t.per_tile_ms, t.one_image_ms, t.per_tile_ms / r->ms_median);
            } else if (t.one_image_ms > 0) {
                fmt::print(
                    "  peer realesrgan-ncnn-vulkan: {:.0f} ms wall for the one-tile image "
                    "(start-up included); peer / kizuna = {:.2f}x\n",
                    t.one_image_ms, t.one_image_ms / r->ms_median);
            }
        }
        fmt::print("  {}\n", kizuna::nn_bench_summary_line(*r));
        std::fflush(stdout);
    }
    return failures == 0 ? 0 : 1;
}
