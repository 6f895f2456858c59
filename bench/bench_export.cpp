// Export benchmark: the real test clip (synfig's prologue_kid, rendered by
// scripts/render-clip.sh) exported end to end, as a user runs it.
//
//   bench_export [--runs N] [--skip-balanced] [--skip-1080p]
//
//  1. `balanced` on the 288x504 clip (x2): wall time, each part's busy time, and the ratio of
//     wall time to AI-only time (target <= 1.10: everything else hides behind inference).
//  2. `performance` on the clip drawn at 1920x1080, to 3840x2160 with libx264 ultrafast: frames
//     per second (target >= 15), how busy the cores are (process CPU time / (wall time x
//     cores), target >= 90%) and each part's share of the busy time, the encoder's included.
//  3. The peer: the ffmpeg tool on the same 1080p clip, lanczos x2 and libx264 ultrafast, audio
//     copied, in the same run.
// Each export runs once to warm up, then N times (default 3); median, min and max are printed.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "kizuna/export.hpp"
#include "kizuna/log.hpp"
#include "kizuna/media.hpp"
#include "kizuna/profile.hpp"
#include "stats.hpp"

namespace fs = std::filesystem;
using namespace kizuna;

namespace {

// The clip at `size` ("" = its own 288x504), rendered once by scripts/render-clip.sh; "" (said on
// stderr) when the script fails.
std::string clip(const std::string& size) {
    const std::string script = "scripts/render-clip.sh" + (size.empty() ? "" : " --size " + size);
    const std::string cmd = std::string(KIZUNA_SOURCE_DIR) + "/" + script;
    std::string last;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        char buf[4096];
        while (std::fgets(buf, sizeof buf, p)) last = buf;
        if (::pclose(p) != 0) last.clear();
    }
    while (!last.empty() && (last.back() == '\n' || last.back() == '\r')) last.pop_back();
    if (last.empty()) std::fprintf(stderr, "bench_export: %s failed\n", script.c_str());
    return last;
}

using bench::Stats;
using bench::stats;

std::string share_line(const ExportStageTimes& b) {
    const double t = b.total();
    const auto pct = [&](double v) { return t > 0 ? 100.0 * v / t : 0.0; };
    return fmt::format("decode {:.0f}%, pre {:.0f}%, ai {:.0f}%, post {:.0f}%, encode {:.0f}%",
                       pct(b.decode_s), pct(b.pre_s), pct(b.ai_s), pct(b.post_s), pct(b.encode_s));
}

std::string busy_line(const ExportStageTimes& b) {
    return fmt::format("decode {:.2f} s, pre {:.2f} s, ai {:.2f} s, post {:.2f} s, encode {:.2f} s",
                       b.decode_s, b.pre_s, b.ai_s, b.post_s, b.encode_s);
}

// Exports `runs` + 1 times (the first is a warm-up); the summaries of the timed runs.
std::vector<ExportSummary> export_runs(const std::string& in, const fs::path& out,
                                       const ExportOptions& o, int runs) {
    std::vector<ExportSummary> all;
    for (int i = 0; i <= runs; ++i) {
        auto s = export_video(in, out, o);
        if (!s) {
            std::fprintf(stderr, "bench_export: %s\n", s.error().message.c_str());
            std::exit(1);
        }
        if (i > 0) all.push_back(std::move(*s));
    }
    return all;
}

double cpu_seconds_of_children() {
    rusage ru{};
    getrusage(RUSAGE_CHILDREN, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

}  // namespace

int main(int argc, char** argv) {
    int runs = 3;
    bool balanced = true, hd = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--runs" && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        } else if (a == "--skip-balanced") {
            balanced = false;
        } else if (a == "--skip-1080p") {
            hd = false;
        } else {
            std::fprintf(stderr,
                         "usage: bench_export [--runs N] [--skip-balanced] [--skip-1080p]\n");
            return 2;
        }
    }
    set_log_level(LogLevel::warn);
    route_ffmpeg_log_to_kizuna(LogLevel::debug);
    set_log_callback([](LogLevel, std::string_view m) {
        std::fprintf(stderr, "  %.*s\n", static_cast<int>(m.size()), m.data());
    });
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const fs::path tmp =
        fs::temp_directory_path() / ("kizuna-bench-export-" + std::to_string(::getpid()));
    fs::create_directories(tmp);
    std::printf("bench_export: %u hardware threads, %d timed runs after one warm-up\n", cores,
                runs);

    if (balanced) {
        const std::string in = clip("");
        if (in.empty()) return 1;
        ExportOptions o;
        o.profile = *builtin_profile("balanced");
        const auto all = export_runs(in, tmp / "balanced.mkv", o, runs);
        std::vector<double> wall, ratio;
        for (const auto& s : all) {
            wall.push_back(s.wall_s);
            if (s.busy.ai_s > 0) ratio.push_back(s.wall_s / s.busy.ai_s);
        }
        const Stats w = stats(wall);
        const ExportSummary& m = all[all.size() / 2];
        std::printf("\nbalanced, %s (%dx%d -> %dx%d, %lld frames)\n", in.c_str(), m.in_width,
                    m.in_height, m.out_width, m.out_height, static_cast<long long>(m.frames));
        std::printf("  wall time: median %.2f s, min %.2f s, max %.2f s\n", w.median, w.min, w.max);
        std::printf("  busy: %s\n  shares: %s\n", busy_line(m.busy).c_str(),
                    share_line(m.busy).c_str());
        if (!ratio.empty()) {
            const Stats r = stats(ratio);
            std::printf("  wall / AI-only time: median %.3f (min %.3f, max %.3f; target <= 1.10)\n",
                        r.median, r.min, r.max);
        } else {
            std::printf("  wall / AI-only time: n/a (no frame ran AI: %s)\n",
                        m.ai_note.empty() ? "AI off" : m.ai_note.c_str());
        }
    }

    if (hd) {
        const std::string in = clip("1920x1080");
        if (in.empty()) return 1;
        ExportOptions o;
        o.profile = *builtin_profile("performance");
        o.profile.output.preset = "ultrafast";
        const auto all = export_runs(in, tmp / "performance.mkv", o, runs);
        std::vector<double> fps, busy;
        for (const auto& s : all) {
            fps.push_back(static_cast<double>(s.frames) / s.wall_s);
            busy.push_back(100.0 * s.cpu_s / (s.wall_s * cores));
        }
        const Stats f = stats(fps), b = stats(busy);
        const ExportSummary& m = all[all.size() / 2];
        std::printf("\nperformance, libx264 ultrafast, %s (%dx%d -> %dx%d, %lld frames)\n",
                    in.c_str(), m.in_width, m.in_height, m.out_width, m.out_height,
                    static_cast<long long>(m.frames));
        std::printf("  %s\n", m.processor.c_str());
        std::printf("  fps: median %.1f, min %.1f, max %.1f (target >= 15)\n", f.median, f.min,
                    f.max);
        std::printf("  cores busy: median %.0f%%, min %.0f%%, max %.0f%% (target >= 90%%)\n",
                    b.median, b.min, b.max);
        std::printf("  busy: %s\n  shares: %s\n", busy_line(m.busy).c_str(),
                    share_line(m.busy).c_str());

        // The peer: the ffmpeg tool, lanczos x2 into libx264 ultrafast, audio copied.
        std::vector<double> peer_fps;
        const double cpu0 = cpu_seconds_of_children();
        double peer_wall = 0;
        for (int i = 0; i <= runs; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            const std::string cmd =
                "ffmpeg -nostdin -v error -y -i '" + in +
                "' -map 0 -vf "
                "scale=iw*2:ih*2:flags=lanczos -c:v libx264 -preset ultrafast -crf 20 -c:a copy '" +
                (tmp / "peer.mkv").string() + "'";
            if (std::system(cmd.c_str()) != 0) {
                std::fprintf(stderr, "bench_export: the ffmpeg peer failed\n");
                break;
            }
            const double s =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (i > 0) {
                peer_fps.push_back(static_cast<double>(m.frames) / s);
                peer_wall += s;
            }
        }
        if (!peer_fps.empty()) {
            const Stats p = stats(peer_fps);
            const double peer_busy = 100.0 * (cpu_seconds_of_children() - cpu0) * runs /
                                     (runs + 1) / (peer_wall * cores);
            std::printf(
                "  peer ffmpeg (lanczos x2 + libx264 ultrafast): fps median %.1f, min %.1f, "
                "max %.1f, cores busy about %.0f%%; kizuna / peer fps: %.2f\n",
                p.median, p.min, p.max, peer_busy, f.median / p.median);
        }
    }
    std::error_code ec;
    fs::remove_all(tmp, ec);
    return 0;
}
