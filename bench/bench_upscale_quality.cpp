// Upscale quality benchmark: real anime stills (Debian package renpy-thequestion) are shrunk x2
// by area average, then brought back x2 by our shader stage 3 (reference stages 1-3), by FFmpeg's
// bicubic and lanczos scalers, and by the whole hybrid chain (kizuna::Upscaler: stages 1-2, the
// tiled model blended by ai.strength, stages 3-5) for each built-in profile, for the quality
// profile's chain with other x2 models (Real-CUGAN, waifu2x cunet) and for the balanced profile at
// AI strengths 0, 0.25, 0.5, 0.75 and 1. Prints PSNR (RGB), SSIM (luma) and edge
// overshoot against the originals, averaged and per image, and each chain's ms per image.
//
// --peer adds the peer realesrgan-ncnn-vulkan (-n realesr-animevideov3 -s 2, the catalogue's
// realesr-animevideov3-x2; on lavapipe, software Vulkan, where there is no GPU) on 128x128 crops
// of the shrunk pictures, against our Upscaler with the same model at ai.strength 1 (stages 4-5
// off, so that the picture is the model's) and the full balanced chain: PSNR against the
// originals over the whole crop, its outer 16-pixel band and its interior, PSNR between our
// model picture and the peer's, and the count of pixels the peer writes as 255 where ours is
// near 0 (its 8-bit conversion wraps negative values to 255).
//
//   bench_upscale_quality [image_dir] [--threads N] [--all] [--window N] [--quality-only]
//                         [--no-ai] [--peer] [--peer-only] [--crops N]
//
// By default the first and the last image in name order (one background, one sprite in
// renpy-thequestion) are used, each cut to its 512x512 window with the most line detail
// (--window N; 0 = whole pictures), which keeps the run to about 3 minutes (4 with --peer) on two
// AVX2 cores; --all takes every image whole (about 35 minutes there, most of it the quality
// profile's x4 model: 3.5 minutes per 640x360 background). Needs the ffmpeg and ffprobe programs
// on PATH.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "image_metrics.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/upscaler.hpp"
#include "peer_realesrgan.hpp"
#include "rgb_image.hpp"
#include "stages/cpu/normalize.hpp"
#include "stages/cpu/reconstruct.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/cpu/upscale.hpp"
#include "stages/planar.hpp"
#include "stages/ref/normalize.hpp"
#include "stages/ref/reconstruct.hpp"
#include "stages/ref/upscale.hpp"

namespace fs = std::filesystem;
using namespace kizuna;
using namespace kizuna::bench;
using namespace kizuna::stages;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

Rgb from_frame(const PlanarFrame& f) {
    Rgb o{f.width(), f.height(), {}};
    o.px.resize(static_cast<size_t>(o.w) * o.h * 3);
    const Plane* p[3] = {&f.r, &f.g, &f.b};
    for (int y = 0; y < o.h; ++y)
        for (int x = 0; x < o.w; ++x)
            for (int c = 0; c < 3; ++c) {
                const float v = std::clamp(p[c]->row(y)[x], 0.0f, 1.0f);
                o.px[(static_cast<size_t>(y) * o.w + x) * 3 + c] =
                    static_cast<uint8_t>(std::lround(v * 255.0f));
            }
    return o;
}

bool ours_ref(const Rgb& low, Rgb& out) {
    Image img = to_image(low);
    PlanarFrame f, up;
    FeatureMap fm;
    if (!normalize_ref(img.view(), NormalizeParams{}, f)) return false;
    if (!reconstruct_ref(f, ReconstructParams{}, fm)) return false;
    UpscaleParams up_params;
    up_params.out_width = low.w * 2;
    up_params.out_height = low.h * 2;
    if (!upscale_ref(f, fm, up_params, up)) return false;
    out = from_frame(up);
    return true;
}

// Picks `count` non-overlapping ww x wh windows of `img` (which holds one) with the most luma
// gradient energy (line art), at even positions on a 16-pixel grid, best first.
std::vector<std::pair<int, int>> busiest_windows(const Rgb& img, int ww, int wh, int count) {
    const auto y = luma(img);
    struct Cand {
        double e;
        int x, y;
    };
    std::vector<Cand> cands;
    for (int wy = 0; wy + wh <= img.h; wy += 16)
        for (int wx = 0; wx + ww <= img.w; wx += 16) {
            double e = 0;
            for (int j = wy; j < wy + wh - 1; j += 2)
                for (int i = wx; i < wx + ww - 1; i += 2) {
                    const size_t k = static_cast<size_t>(j) * img.w + i;
                    e += std::abs(y[k + 1] - y[k]) + std::abs(y[k + img.w] - y[k]);
                }
            cands.push_back({e, wx, wy});
        }
    std::sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) { return a.e > b.e; });
    std::vector<std::pair<int, int>> out;
    for (const Cand& c : cands) {
        if (static_cast<int>(out.size()) == count) break;
        bool free = true;
        for (auto [ox, oy] : out)
            if (std::abs(ox - c.x) < ww && std::abs(oy - c.y) < wh) free = false;
        if (free) out.emplace_back(c.x, c.y);
    }
    return out;
}

// One way of bringing a shrunk picture back x2.
struct Method {
    enum Kind { shader_ref, ffmpeg, chain };
    explicit Method(std::string l, Kind k = chain, const char* flags = "")
        : label(std::move(l)), kind(k), ffmpeg_flags(flags) {}
    std::string label;
    Kind kind;
    const char* ffmpeg_flags;          // ffmpeg
    std::optional<Profile> profile;    // chain
    std::optional<Upscaler> upscaler;  // chain, created on first use
    std::string error;                 // chain: why it could not run ("" when it ran)
    Score total;
    double ms_total = 0, ai_ms_total = 0;
    int done = 0;
    std::vector<double> psnr;  // per image
};

// The hybrid chain of `profile` on the CPU stage backend; with require_ai every AI fallback is
// an error, so a row never silently shows the shader-only picture.
Result<Upscaler> make_upscaler(const Profile& profile, int threads) {
    UpscalerOptions o;
    o.stages.backend = PreviewBackendKind::cpu;
    o.stages.threads = threads;
    o.require_ai = profile.ai.enabled && profile.ai.strength > 0;
    return Upscaler::create(profile, o);
}

Profile with_threads(Profile p, int threads) {
    p.ai.threads = threads;
    return p;
}

// Runs `m` on `low`; false (m.error set) when it failed.
bool run_method(Method& m, const Rgb& low, int threads, Rgb& out, double& ms, double& ai_ms) {
    ms = ai_ms = 0;
    const auto t0 = Clock::now();
    switch (m.kind) {
        case Method::shader_ref:
            if (!ours_ref(low, out)) m.error = "reference stages failed";
            break;
        case Method::ffmpeg:
            if (!ffmpeg_scale(low, low.w * 2, low.h * 2, m.ffmpeg_flags, 1, out, nullptr))
                m.error = "ffmpeg failed";
            break;
        case Method::chain: {
            if (!m.upscaler) {
                auto u = make_upscaler(*m.profile, threads);
                if (!u) {
                    m.error = u.error().message;
                    return false;
                }
                m.upscaler.emplace(std::move(*u));
            }
            m.upscaler->reset_history();
            Image in = to_image(low), res;
            UpscaleReport rep;
            auto r = m.upscaler->process(in.view(), res, {}, &rep);
            if (!r) {
                m.error = r.error().message;
                return false;
            }
            if (res.width() != low.w * 2 || res.height() != low.h * 2) {
                m.error = fmt::format("output {}x{}, not x2", res.width(), res.height());
                return false;
            }
            out = from_image(res.view());
            ai_ms = rep.ai_ms;
            break;
        }
    }
    ms = ms_since(t0);
    return m.error.empty();
}

std::vector<Method> make_methods(bool with_ai, int threads) {
    std::vector<Method> ms;
    ms.emplace_back("shader x2 (ref stages 1-3)", Method::shader_ref);
    ms.emplace_back("ffmpeg bicubic", Method::ffmpeg, "bicubic");
    ms.emplace_back("ffmpeg lanczos", Method::ffmpeg, "lanczos");
    for (const std::string& name : builtin_profile_names()) {
        auto p = builtin_profile(name);
        if (!p) continue;
        if (!with_ai && p->ai.enabled) continue;
        Method m(fmt::format(
            "{} (chain{})", name,
            p->ai.enabled ? fmt::format(", {} s={:.2f}", p->ai.model, p->ai.strength) : ", no AI"));
        m.profile = with_threads(*p, threads);
        ms.push_back(std::move(m));
    }
    if (!with_ai) return ms;
    // Candidates for the quality profile's model: its chain with an x2 model in place of
    // x4plus-anime (the chain then needs no x4 -> x2 resample).
    if (auto quality = builtin_profile("quality")) {
        for (const char* model :
             {"realcugan-up2x-conservative", "realcugan-up2x-no-denoise", "waifu2x-cunet-x2"}) {
            Method m(fmt::format("quality chain with {} s=1", model));
            Profile p = with_threads(*quality, threads);
            p.ai.model = model;
            p.ai.scale = 2;
            m.profile = p;
            ms.push_back(std::move(m));
        }
    }
    auto balanced = builtin_profile("balanced");
    if (!balanced) return ms;
    {
        Method m("balanced s=1, stages 4-5 off (model picture)");
        Profile p = with_threads(*balanced, threads);
        p.ai.strength = 1.0f;
        p.enhance.enabled = false;
        p.temporal.enabled = false;
        m.profile = p;
        ms.push_back(std::move(m));
    }
    for (float s : {0.0f, 0.25f, 0.5f, 0.75f, 1.0f}) {
        Method m(fmt::format("balanced ai.strength {:.2f}", s));
        Profile p = with_threads(*balanced, threads);
        p.ai.strength = s;
        m.profile = p;
        if (*m.profile == with_threads(*balanced, threads)) continue;  // the balanced row
        ms.push_back(std::move(m));
    }
    return ms;
}

// The --peer section. Returns false when something of ours failed.
bool peer_section(const std::vector<fs::path>& files, int crops, int threads) {
    constexpr int side = 128, band = 16;
    const fs::path work = fs::temp_directory_path() / "kizuna-bench-quality-peer";
    fs::remove_all(work);
    fs::create_directories(work / "in");
    struct Crop {
        std::string name;
        Rgb low, orig;
    };
    std::vector<Crop> cs;
    const int per_image =
        std::max(1, (crops + static_cast<int>(files.size()) - 1) / static_cast<int>(files.size()));
    for (const auto& path : files) {
        Rgb orig;
        if (!read_image(path.string(), orig)) return false;
        const Rgb low = area_down2(orig);
        for (auto [x, y] : busiest_windows(low, side, side, per_image)) {
            if (static_cast<int>(cs.size()) == crops) break;
            Crop c{fmt::format("crop{}", cs.size()), crop(low, x, y, side, side),
                   crop(orig, 2 * x, 2 * y, 2 * side, 2 * side)};
            fmt::print("  {}: {} at ({}, {}) of the shrunk picture\n", c.name,
                       path.filename().string(), x, y);
            if (!write_png(c.low, work / "in" / (c.name + ".png"))) return false;
            cs.push_back(std::move(c));
        }
    }
    if (cs.empty()) return false;

    PeerRun pr;
    pr.tile = side;
    pr.input_dir = work / "in";
    pr.output_dir = work / "out";
    pr.log = work / "peer.log";
    fmt::print("  running realesrgan-ncnn-vulkan -n {} -s {} -t {} on {} crops ...\n", pr.name,
               pr.scale, pr.tile, cs.size());
    std::fflush(stdout);
    const double peer_ms = run_realesrgan_peer(pr);
    std::vector<Rgb> peer(cs.size());
    bool have_peer = peer_ms >= 0;
    if (peer_ms == -2) fmt::print("  peer not installed: {}\n", realesrgan_peer_path().string());
    if (peer_ms == -1) fmt::print("  peer failed, see {}\n", pr.log.string());
    for (size_t i = 0; have_peer && i < cs.size(); ++i)
        if (!read_image((pr.output_dir / (cs[i].name + ".png")).string(), peer[i]) ||
            peer[i].w != 2 * side || peer[i].h != 2 * side) {
            fmt::print("  peer output {} missing or of the wrong size\n", cs[i].name);
            have_peer = false;
        }
    if (have_peer) {
        std::vector<uint8_t> log;
        run_capture("grep -m1 '^\\[0 ' " + quote(pr.log.string()), log);
        std::string dev(log.begin(), log.end());
        while (!dev.empty() && dev.back() == '\n') dev.pop_back();
        fmt::print(
            "  peer device: {} -- {}; peer wall time {:.0f} ms for {} crops (start-up, model "
            "load and pipeline compilation included)\n",
            dev.empty() ? "?" : dev,
            dev.find("llvmpipe") != std::string::npos ? "software Vulkan (lavapipe) on the CPU"
                                                      : "a Vulkan device",
            peer_ms, cs.size());
    }

    auto balanced = builtin_profile("balanced");
    if (!balanced) return false;
    Profile model_only = with_threads(*balanced, threads);
    model_only.ai.strength = 1.0f;
    model_only.enhance.enabled = false;
    model_only.temporal.enabled = false;
    Method ours_model("ours: model picture (s=1, stages 4-5 off)");
    ours_model.profile = model_only;
    Method ours_chain("ours: balanced chain");
    ours_chain.profile = with_threads(*balanced, threads);

    // Per row: squared errors against the originals over all / border / interior.
    struct Acc {
        double se[3] = {0, 0, 0}, n[3] = {0, 0, 0};
        void add(const Rgb& a, const Rgb& b, int band) {
            const Region rs[3] = {Region::all, Region::border, Region::interior};
            for (int k = 0; k < 3; ++k) {
                double se1, n1;
                squared_error(a, b, rs[k], band, se1, n1);
                se[k] += se1;
                n[k] += n1;
            }
        }
        void print(const std::string& label) const {
            fmt::print("  {:<58} {:7.2f} {:7.2f} {:9.2f}\n", label, psnr_from(se[0], n[0]),
                       psnr_from(se[1], n[1]), psnr_from(se[2], n[2]));
        }
    };
    Acc acc_peer, acc_fixed, acc_model, acc_chain, acc_vs, acc_vs_fixed;
    long wrapped = 0, wrapped_samples = 0, peer_255 = 0;
    std::vector<double> ms_model;
    for (size_t i = 0; i < cs.size(); ++i) {
        Rgb m, c;
        double ms, ai_ms;
        if (!run_method(ours_model, cs[i].low, threads, m, ms, ai_ms)) {
            fmt::print("  ours failed: {}\n", ours_model.error);
            return false;
        }
        ms_model.push_back(ms);
        if (!run_method(ours_chain, cs[i].low, threads, c, ms, ai_ms)) {
            fmt::print("  ours failed: {}\n", ours_chain.error);
            return false;
        }
        acc_model.add(cs[i].orig, m, band);
        acc_chain.add(cs[i].orig, c, band);
        if (!have_peer) continue;
        acc_peer.add(cs[i].orig, peer[i], band);
        acc_vs.add(m, peer[i], band);
        // The peer's picture with its wrapped samples (255 where ours is <= 8) set to 0: what its
        // model gives without the conversion defect.
        Rgb fixed = peer[i];
        for (int y = 0; y < m.h; ++y)
            for (int x = 0; x < m.w; ++x) {
                bool wrap = false;
                for (int k = 0; k < 3; ++k) {
                    const int p = peer[i].at(x, y, k), o = m.at(x, y, k);
                    peer_255 += p == 255;
                    if (p == 255 && o <= 8) {
                        wrap = true;
                        ++wrapped_samples;
                        fixed.px[(static_cast<size_t>(y) * m.w + x) * 3 + k] = 0;
                    }
                }
                wrapped += wrap;
            }
        acc_fixed.add(cs[i].orig, fixed, band);
        acc_vs_fixed.add(m, fixed, band);
    }
    fmt::print("\n  PSNR (dB) against the originals, {} crops of {}x{} out, band = outer {} px\n",
               cs.size(), 2 * side, 2 * side, band);
    fmt::print("  {:<58} {:>7} {:>7} {:>9}\n", "", "all", "band", "interior");
    if (have_peer) {
        acc_peer.print("peer realesrgan-ncnn-vulkan (realesr-animevideov3 x2)");
        acc_fixed.print("peer, wrapped samples set to 0");
    }
    acc_model.print(ours_model.label);
    acc_chain.print(ours_chain.label);
    if (have_peer) {
        fmt::print("  PSNR (dB) between ours (model picture) and the peer:\n");
        acc_vs.print("ours vs peer");
        acc_vs_fixed.print("ours vs peer, wrapped samples set to 0");
        fmt::print(
            "  pixels where the peer writes 255 and ours is <= 8 (negative model output wrapped "
            "by the peer's 8-bit conversion): {} of {} ({} samples; the peer has {} samples at "
            "255)\n",
            wrapped, cs.size() * 4 * side * side, wrapped_samples, peer_255);
        const Stats s = stats(ms_model);
        fmt::print(
            "  time: ours {:.0f} ms per crop (median; min {:.0f}, max {:.0f}; CPU, {} threads), "
            "peer {:.0f} ms per crop (wall / crops, start-up included; lavapipe when no GPU)\n",
            s.median, s.min, s.max,
            threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency()),
            peer_ms / cs.size());
    }
    return true;
}

void print_quality(const std::vector<Method>& methods, const std::vector<fs::path>& files) {
    fmt::print("\n{:<52} | {:>6} {:>6} {:>9} | {:>8} {:>8}\n", "average over images", "PSNR",
               "SSIM", "over", "ms/img", "AI ms");
    for (const Method& m : methods) {
        if (m.done == 0) {
            fmt::print("{:<52} | n/a: {}\n", m.label, m.error);
            continue;
        }
        const Score s = m.total.mean(m.done);
        fmt::print("{:<52} | {:6.2f} {:6.4f} {:5.3f}/{:<3.0f} | {:8.0f} {:8.0f}\n", m.label, s.psnr,
                   s.ssim, s.over, s.over99, m.ms_total / m.done, m.ai_ms_total / m.done);
    }
    fmt::print(
        "(over = mean / 99th percentile overshoot in 8-bit levels beyond the original's 3x3 "
        "min/max at edges; ms/img = wall time per image, model included; chains on the CPU "
        "stage backend)\n");
    fmt::print("\nPSNR per image:\n{:<52} |", "");
    for (size_t i = 0; i < files.size(); ++i) fmt::print(" {:>6}", fmt::format("#{}", i + 1));
    fmt::print("\n");
    for (const Method& m : methods) {
        fmt::print("{:<52} |", m.label);
        for (double p : m.psnr) fmt::print(" {:6.2f}", p);
        fmt::print("\n");
    }
    for (size_t i = 0; i < files.size(); ++i)
        fmt::print("  #{} {}\n", i + 1, files[i].filename().string());
}

// Timings of the fast CPU stages 1-3 on one frame (RGBA8 in, x2 out), next to FFmpeg's lanczos
// on the same frame (per frame: (11 frames - 1 frame) / 10, so process start-up and the raw file
// write cancel out).
bool stage_timings(const fs::path& file, int threads) {
    Rgb src;
    if (!read_image(file.string(), src)) return false;
    ThreadPool pool(threads);
    NormalizeCpu normalize;
    ReconstructCpu reconstruct;
    UpscaleCpu upscale;
    PlanarFrame frame, up;
    FeatureMap features;
    fmt::print(
        "\nfast CPU stages 1-3, {} threads, ms per frame (median / min / max of 10 after 2 "
        "warm-ups)\n",
        pool.size());
    for (const auto& size : {std::pair{1280, 720}, std::pair{1920, 1080}}) {
        Rgb in;
        if (size.first == src.w && size.second == src.h) {
            in = src;
        } else if (!ffmpeg_scale(src, size.first, size.second, "lanczos", 1, in, nullptr)) {
            return false;
        }
        const Image img = to_image(in);
        const int ow = in.w * 2, oh = in.h * 2;
        std::vector<double> tn, tr, tu, tt;
        for (int it = 0; it < 12; ++it) {
            UpscaleParams p;
            p.out_width = ow;
            p.out_height = oh;
            const auto t0 = Clock::now();
            if (!normalize.run(img.view(), NormalizeParams{}, frame, pool)) return false;
            const auto t1 = Clock::now();
            if (!reconstruct.run(frame, ReconstructParams{}, features, pool)) return false;
            const auto t2 = Clock::now();
            if (!upscale.run(frame, features, p, up, pool)) return false;
            const auto t3 = Clock::now();
            if (it < 2) continue;
            auto ms = [](auto a, auto b) {
                return std::chrono::duration<double, std::milli>(b - a).count();
            };
            tn.push_back(ms(t0, t1));
            tr.push_back(ms(t1, t2));
            tu.push_back(ms(t2, t3));
            tt.push_back(ms(t0, t3));
        }
        double f1 = 0, f11 = 0;
        Rgb dummy;
        const bool peer = ffmpeg_scale(in, ow, oh, "lanczos", 1, dummy, &f1) &&
                          ffmpeg_scale(in, ow, oh, "lanczos", 11, dummy, &f11);
        const double peer_ms = (f11 - f1) * 100.0;
        const Stats n = stats(tn), r = stats(tr), u = stats(tu), t = stats(tt);
        fmt::print(
            "{}x{} -> {}x{}: normalize {:.2f} ({:.2f}/{:.2f})  reconstruct {:.2f} ({:.2f}/{:.2f})  "
            "upscale {:.2f} ({:.2f}/{:.2f})  total {:.2f} ({:.2f}/{:.2f})\n",
            in.w, in.h, ow, oh, n.median, n.min, n.max, r.median, r.min, r.max, u.median, u.min,
            u.max, t.median, t.min, t.max);
        if (peer) {
            fmt::print(
                "    ffmpeg lanczos (swscale, gbrp) {:.2f} ms/frame; ours total / ffmpeg = "
                "{:.2f}\n",
                peer_ms, t.median / peer_ms);
        }
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir = "/usr/share/games/renpy/the_question/game/images";
    int threads = 0, crops = 4, window = -1;
    bool quality_only = false, all = false, with_ai = true, peer = false, peer_only = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--threads" && i + 1 < argc)
            threads = std::atoi(argv[++i]);
        else if (a == "--window" && i + 1 < argc)
            window = std::max(0, std::atoi(argv[++i]) & ~1);
        else if (a == "--crops" && i + 1 < argc)
            crops = std::max(1, std::atoi(argv[++i]));
        else if (a == "--quality-only")
            quality_only = true;
        else if (a == "--all")
            all = true;
        else if (a == "--no-ai")
            with_ai = false;
        else if (a == "--peer")
            peer = true;
        else if (a == "--peer-only")
            peer = peer_only = true;
        else if (!a.empty() && a[0] == '-') {
            fmt::print(stderr,
                       "usage: {} [image_dir] [--threads N] [--all] [--quality-only] [--no-ai] "
                       "[--window N] [--peer] [--peer-only] [--crops N]\n",
                       argv[0]);
            return 2;
        } else
            dir = a;
    }
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const auto ext = e.path().extension().string();
        if (ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".webp")
            files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) {
        std::fprintf(stderr, "no images in %s (install renpy-thequestion)\n", dir.c_str());
        return 1;
    }
    if (!all && files.size() > 2) files = {files.front(), files.back()};
    if (window < 0) window = all ? 0 : 512;

    if (!peer_only) {
        std::vector<Method> methods = make_methods(with_ai, threads);
        fmt::print(
            "x2 round trip (area-average down, x2 up), {} images from {}{}{}\n", files.size(), dir,
            all ? "" : " (first and last; --all for every image)",
            window > 0 ? fmt::format(", each cut to its busiest {0}x{0} window", window) : "");
        for (const auto& path : files) {
            Rgb orig;
            if (!read_image(path.string(), orig)) {
                std::fprintf(stderr, "cannot read %s\n", path.c_str());
                return 1;
            }
            std::string where;
            if (window > 0 && (orig.w > window || orig.h > window)) {
                const int ww = std::min(window, orig.w), wh = std::min(window, orig.h);
                const auto [x, y] = busiest_windows(orig, ww, wh, 1).front();
                where = fmt::format(" at ({}, {})", x, y);
                orig = crop(orig, x, y, ww, wh);
            }
            const Rgb low = area_down2(orig);
            fmt::print("{}{} ({}x{} -> {}x{} -> {}x{})\n", path.filename().string(), where, orig.w,
                       orig.h, low.w, low.h, orig.w, orig.h);
            for (Method& m : methods) {
                Rgb res;
                double ms, ai_ms;
                if (!m.error.empty() || !run_method(m, low, threads, res, ms, ai_ms)) {
                    m.psnr.push_back(NAN);
                    continue;
                }
                const Score s = score(orig, res);
                m.total.add(s);
                m.ms_total += ms;
                m.ai_ms_total += ai_ms;
                m.psnr.push_back(s.psnr);
                ++m.done;
                fmt::print("  {:<50} {:6.2f} dB {:6.4f} {:5.3f}/{:<3.0f} {:7.0f} ms\n", m.label,
                           s.psnr, s.ssim, s.over, s.over99, ms);
                std::fflush(stdout);
            }
        }
        print_quality(methods, files);
    }
    if (peer) {
        fmt::print("\npeer realesrgan-ncnn-vulkan against our Upscaler on 128x128 crops\n");
        if (!peer_section(files, crops, threads)) return 1;
    }
    if (quality_only || peer_only) return 0;
    return stage_timings(files.front(), threads) ? 0 : 1;
}
