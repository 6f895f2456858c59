// mpv user-shader benchmark: FFmpeg's libplacebo filter (custom_shader_path) running the shaders
// `kizuna shaders` exports, at 1920x1080 -> 3840x2160 by default, on whatever Vulkan device
// FFmpeg picks (lavapipe on a machine without a GPU). In the same run: the filter with no user
// shader (its own scaler: the cost of decode, upload, download and the pipe), and with --peer,
// the filter running another user shader on the same input, e.g. Anime4K's
// Anime4K_Upscale_CNN_x2_M.glsl (an external file: it is read from where you put it, never
// copied). Prints median / min / max wall time per frame and the peer / ours ratio.
//
//   bench_mpv_shaders [--peer FILE.glsl] [--profile NAME|FILE] [--set KEY=VALUE]...
//                     [--size WxH] [--input IMAGE] [--frames N] [--warmup N]
//
// Defaults: profile balanced (its temporal stabilization included), size 1920x1080, lavfi
// testsrc2 as input (--input loops a still instead), 2 warm-up frames (shader compilation), 5
// timed frames. Output is always twice the input on both axes.
//
// How it times: ffmpeg writes raw RGBA frames to a pipe this program reads; the time between
// consecutive frames after warm-up is the per-frame wall time of the whole chain, which the
// hooks dominate (one extra frame is decoded and not timed: ffmpeg releases the last frame only
// when it flushes at the end). There are no GPU timestamps: the libplacebo filter does not report
// them. A peer whose last pass names MAIN in //!SAVE still does all its work in the filter, but the
// filter then shows its own scaler's picture (noted in the output); the timing stands.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "kizuna/profile.hpp"
#include "kizuna/shaders.hpp"
#include "stats.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::string peer;
    std::string profile = "balanced";
    std::vector<std::string> overrides;
    int width = 1920, height = 1080;
    std::string input;
    int frames = 5, warmup = 2;
};

using kizuna::bench::Stats;
using kizuna::bench::stats;

std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// The ffmpeg command for one configuration; shader may be empty (the filter's own scaler).
std::string command(const Options& o, const std::string& shader) {
    const std::string in = o.input.empty()
                               ? fmt::format("-f lavfi -i testsrc2=s={}x{}:r=24", o.width, o.height)
                               : "-loop 1 -framerate 24 -i " + quote(o.input);
    const std::string scale = o.input.empty() ? "" : fmt::format("scale={}:{},", o.width, o.height);
    std::string filter =
        fmt::format("{}format=rgba,hwupload,libplacebo=w={}:h={}:format=rgba:dithering=none", scale,
                    2 * o.width, 2 * o.height);
    if (!shader.empty()) filter += ":custom_shader_path=" + quote(shader);
    filter += ",hwdownload,format=rgba";
    return fmt::format(
        "ffmpeg -nostdin -v error {} -init_hw_device vulkan=vk -filter_hw_device vk -vf \"{}\" "
        "-frames:v {} -flush_packets 1 -f rawvideo -pix_fmt rgba pipe:1",
        in, filter, o.warmup + o.frames + 1);
}

// Runs one configuration; returns the per-frame times (ms) after warm-up, empty on failure.
std::vector<double> time_run(const Options& o, const std::string& shader) {
    const std::string cmd = command(o, shader);
    std::FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return {};
    std::vector<char> frame(static_cast<size_t>(4) * 2 * o.width * 2 * o.height);
    std::vector<Clock::time_point> arrivals;
    while (std::fread(frame.data(), 1, frame.size(), p) == frame.size()) {
        arrivals.push_back(Clock::now());
    }
    const int status = ::pclose(p);
    const int expected = o.warmup + o.frames + 1;
    if (status != 0 || static_cast<int>(arrivals.size()) != expected) {
        fmt::print(stderr, "bench_mpv_shaders: ffmpeg failed (status {}, {} of {} frames): {}\n",
                   status, arrivals.size(), expected, cmd);
        return {};
    }
    // The last frame comes out only when ffmpeg flushes at the end: not timed.
    std::vector<double> ms;
    for (size_t i = static_cast<size_t>(o.warmup); i + 1 < arrivals.size(); ++i) {
        ms.push_back(
            std::chrono::duration<double, std::milli>(arrivals[i] - arrivals[i - 1]).count());
    }
    return ms;
}

bool parse_args(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&](std::string& v) {
            if (i + 1 >= argc) return false;
            v = argv[++i];
            return true;
        };
        std::string v;
        if (a == "--peer" && next(o.peer)) continue;
        if (a == "--profile" && next(o.profile)) continue;
        if (a == "--input" && next(o.input)) continue;
        if (a == "--set" && next(v)) {
            o.overrides.push_back(v);
            continue;
        }
        if (a == "--size" && next(v) && std::sscanf(v.c_str(), "%dx%d", &o.width, &o.height) == 2 &&
            o.width >= 16 && o.height >= 16) {
            continue;
        }
        if (a == "--frames" && next(v) && (o.frames = std::atoi(v.c_str())) >= 1) continue;
        if (a == "--warmup" && next(v) && (o.warmup = std::atoi(v.c_str())) >= 1) continue;
        fmt::print(stderr,
                   "usage: bench_mpv_shaders [--peer FILE.glsl] [--profile NAME|FILE] "
                   "[--set KEY=VALUE]... [--size WxH] [--input IMAGE] [--frames N>=1] "
                   "[--warmup N>=1]\n");
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse_args(argc, argv, o)) return 2;
    auto profile = kizuna::resolve_profile(o.profile);
    if (profile) {
        if (auto r = kizuna::apply_overrides(*profile, o.overrides); !r) {
            fmt::print(stderr, "bench_mpv_shaders: {}\n", r.error().message);
            return 1;
        }
    }
    if (!profile) {
        fmt::print(stderr, "bench_mpv_shaders: {}\n", profile.error().message);
        return 1;
    }
    const auto ours = std::filesystem::temp_directory_path() /
                      fmt::format("kizuna-bench-{}.glsl", static_cast<long>(::getpid()));
    if (auto r = kizuna::write_mpv_user_shaders(ours, *profile); !r) {
        fmt::print(stderr, "bench_mpv_shaders: {}\n", r.error().message);
        return 1;
    }
    if (!o.peer.empty() && !std::filesystem::is_regular_file(o.peer)) {
        fmt::print(stderr, "bench_mpv_shaders: --peer {}: no such file\n", o.peer);
        return 1;
    }

    fmt::print("libplacebo filter, {}x{} -> {}x{}, {} timed frames after {} warm-up, input {}\n",
               o.width, o.height, 2 * o.width, 2 * o.height, o.frames, o.warmup,
               o.input.empty() ? "lavfi testsrc2" : o.input);
    fmt::print("  ours: {}\n", command(o, ours.string()));
    struct Row {
        std::string name, shader;
        Stats s;
        bool ok = false;
    };
    std::vector<Row> rows = {{"no user shader (filter's scaler)", "", {}, false},
                             {"KizunaSR, profile " + profile->name, ours.string(), {}, false}};
    if (!o.peer.empty()) {
        rows.push_back(
            {"peer " + std::filesystem::path(o.peer).filename().string(), o.peer, {}, false});
        std::ifstream f(o.peer);
        std::stringstream text;
        text << f.rdbuf();
        if (text.str().find("//!SAVE MAIN") != std::string::npos) {
            fmt::print(
                "  note: the peer saves into MAIN by name; the filter runs those passes but "
                "shows its own scaler's picture\n");
        }
    }
    int failures = 0;
    for (Row& r : rows) {
        const std::vector<double> ms = time_run(o, r.shader);
        r.ok = !ms.empty();
        if (!r.ok) {
            ++failures;
            continue;
        }
        r.s = stats(ms);
        fmt::print("{:<44} median {:9.1f} ms  min {:9.1f}  max {:9.1f}  ({:.2f} fps)\n", r.name,
                   r.s.median, r.s.min, r.s.max, 1000.0 / r.s.median);
    }
    if (rows.size() == 3 && rows[1].ok && rows[2].ok) {
        fmt::print("peer / KizunaSR (median): {:.2f}x\n", rows[2].s.median / rows[1].s.median);
    }
    std::filesystem::remove(ours);
    return failures ? 1 : 0;
}
