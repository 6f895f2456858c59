// Preview benchmark: the full five-stage preview (public Preview API, balanced profile stage
// settings, temporal on) on real anime stills at 1280x720 -> 2560x1440 and 1920x1080 ->
// 3840x2160, CPU fast backend (and Vulkan when a device exists; on lavapipe only as a
// correctness run, not a speed figure). In the same run, libswscale's lanczos RGBA -> RGBA to the
// same size on the same frames (in process, same thread count), and the ratio. Also the fast
// stages 4, 5 and packing timed one by one (unfused) at the output size.
//
//   bench_preview [--frames N] [--threads T] [--images DIR] [--only 720|1080] [--breakdown]
//                 [--preview-only] [--no-vulkan] [--cpu-max avx512|avx2|sse4|ssse3|scalar]
//
// --breakdown also times the fused pass with stage 4, then stage 5, switched off;
// --preview-only skips the unfused stage timings, the peer and Vulkan (for profiling);
// --cpu-max caps the fast CPU kernels at one level (what a CPU without AVX-512 runs).
//
// Every line also gives cpu_ms, the process CPU time per frame (all threads): on a shared
// machine it moves much less than the wall time when other jobs take the cores.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <fmt/format.h>

#include "kizuna/convert.hpp"
#include "kizuna/media.hpp"
#include "kizuna/preview.hpp"
#include "kizuna/probe.hpp"
#include "kizuna/profile.hpp"
#include "stages/cpu/enhance.hpp"
#include "stages/cpu/pack.hpp"
#include "stages/cpu/simd.hpp"
#include "stages/cpu/temporal.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stats.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// Wall time per call (ms), with the median process CPU time per call (all threads; 0: not
// measured).
struct Timing : kizuna::bench::Stats {
    double cpu_median = 0;
};

Timing timing_of(const std::vector<double>& ms) {
    return {kizuna::bench::stats(ms)};
}

// CPU time of the whole process (every thread), in ms.
double process_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

// Warm-up then timed calls of fn(i), i counting over all calls. Also records the process CPU
// time per call: on a shared machine it varies much less than the wall time when other jobs
// take cores, so A/B comparisons of kernels can use it.
Timing time_it(int warmup, int frames, const std::function<void(int)>& fn) {
    std::vector<double> ms, cpu;
    for (int i = 0; i < warmup + frames; ++i) {
        const auto t0 = Clock::now();
        const double c0 = process_cpu_ms();
        fn(i);
        const double t = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (i >= warmup) {
            ms.push_back(t);
            cpu.push_back(process_cpu_ms() - c0);
        }
    }
    Timing s = timing_of(ms);
    s.cpu_median = kizuna::bench::stats(cpu).median;
    return s;
}

void print(const char* what, const Timing& s) {
    std::printf("  %-34s median_ms=%8.2f min_ms=%8.2f max_ms=%8.2f fps=%7.1f", what, s.median,
                s.min, s.max, s.median > 0 ? 1000.0 / s.median : 0.0);
    if (s.cpu_median > 0) std::printf(" cpu_ms=%8.2f", s.cpu_median);
    std::printf("\n");
}

// libswscale context RGBA -> RGBA with the given flags and threads; frames wrap kizuna images.
struct Sws {
    SwsContext* ctx = nullptr;
    ~Sws() { sws_freeContext(ctx); }
};

bool make_sws(Sws& s, int iw, int ih, int ow, int oh, int flags, int threads) {
    s.ctx = sws_alloc_context();
    if (!s.ctx) return false;
    av_opt_set_int(s.ctx, "srcw", iw, 0);
    av_opt_set_int(s.ctx, "srch", ih, 0);
    av_opt_set_int(s.ctx, "src_format", AV_PIX_FMT_RGBA, 0);
    av_opt_set_int(s.ctx, "dstw", ow, 0);
    av_opt_set_int(s.ctx, "dsth", oh, 0);
    av_opt_set_int(s.ctx, "dst_format", AV_PIX_FMT_RGBA, 0);
    av_opt_set_int(s.ctx, "sws_flags", flags, 0);
    av_opt_set_int(s.ctx, "threads", threads, 0);
    return sws_init_context(s.ctx, nullptr, nullptr) >= 0;
}

// An AVFrame header pointing at a kizuna RGBA8 image (no copy; the image owns the pixels).
struct FrameRef {
    AVFrame* f = av_frame_alloc();
    ~FrameRef() { av_frame_free(&f); }
};

void wrap(FrameRef& fr, const kizuna::Image& img) {
    fr.f->format = AV_PIX_FMT_RGBA;
    fr.f->width = img.width();
    fr.f->height = img.height();
    fr.f->data[0] = reinterpret_cast<uint8_t*>(const_cast<std::byte*>(img.data()));
    fr.f->linesize[0] = static_cast<int>(img.stride());
}

// Scales a still to exactly w x h RGBA8 (bicubic; the bench input, like `ffmpeg -vf scale`).
kizuna::Result<kizuna::Image> scale_to(const kizuna::Image& src, int w, int h) {
    auto img = kizuna::Image::create(w, h, kizuna::PixelFormat::rgba8);
    if (!img) return std::move(img).error();
    Sws s;
    if (!make_sws(s, src.width(), src.height(), w, h, SWS_BICUBIC, 1)) {
        return kizuna::make_error(kizuna::Errc::internal, "swscale init failed");
    }
    const uint8_t* sp[4] = {reinterpret_cast<const uint8_t*>(src.data())};
    const int ss[4] = {static_cast<int>(src.stride())};
    uint8_t* dp[4] = {reinterpret_cast<uint8_t*>(img->data())};
    const int ds[4] = {static_cast<int>(img->stride())};
    sws_scale(s.ctx, sp, ss, 0, src.height(), dp, ds);
    return img;
}

}  // namespace

int main(int argc, char** argv) {
    int frames = 30, threads = 0, only_height = 0;
    bool breakdown = false, preview_only = false;
    bool vulkan = true;
    std::string simd;  // --cpu-max; empty: the best level of this CPU
    std::filesystem::path dir = "/usr/share/games/renpy/the_question/game/images";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--frames" && i + 1 < argc)
            frames = std::max(1, std::atoi(argv[++i]));
        else if (a == "--threads" && i + 1 < argc)
            threads = std::max(0, std::atoi(argv[++i]));
        else if (a == "--images" && i + 1 < argc)
            dir = argv[++i];
        else if (a == "--only" && i + 1 < argc)
            only_height = std::atoi(argv[++i]);
        else if (a == "--breakdown")
            breakdown = true;
        else if (a == "--preview-only")
            preview_only = true;
        else if (a == "--no-vulkan")
            vulkan = false;
        else if (a == "--cpu-max" && i + 1 < argc)
            simd = argv[++i];
        else {
            std::fprintf(stderr,
                         "usage: %s [--frames N] [--threads T] [--images DIR] [--only 720|1080] "
                         "[--breakdown] [--preview-only] [--no-vulkan] [--cpu-max LEVEL]\n",
                         argv[0]);
            return 2;
        }
    }
    if (!simd.empty()) {
        const auto level = kizuna::parse_cpu_level(simd);
        if (!level) {
            std::fprintf(stderr, "--cpu-max %s: not one of scalar, ssse3, sse4, avx2, avx512\n",
                         simd.c_str());
            return 2;
        }
        kizuna::set_cpu_max(*level);
    }
    // The stills, RGBA8, in name order.
    std::vector<std::filesystem::path> paths;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        const auto ext = e.path().extension().string();
        if (ext == ".jpg" || ext == ".png") paths.push_back(e.path());
    }
    std::sort(paths.begin(), paths.end());
    std::vector<kizuna::Image> stills;
    for (const auto& p : paths) {
        auto img = kizuna::read_image(p);
        if (!img) continue;
        if (img->format() != kizuna::PixelFormat::rgba8) {
            auto c = kizuna::Image::create(img->width(), img->height(), kizuna::PixelFormat::rgba8);
            if (!c || !kizuna::convert_image(img->view(), c->view())) continue;
            img = std::move(*c);
        }
        stills.push_back(std::move(*img));
        if (stills.size() == 4) break;
    }
    if (stills.empty()) {
        std::fprintf(stderr, "no readable images in %s\n", dir.c_str());
        return 1;
    }
    auto profile = kizuna::builtin_profile("balanced");
    if (!profile) {
        std::fprintf(stderr, "%s\n", profile.error().message.c_str());
        return 1;
    }
    profile->temporal.enabled = true;
    const int pool_threads =
        threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
    std::printf(
        "bench_preview: %zu stills from %s, %d timed frames after 3 warm-up, %d threads, SIMD "
        "%s\n",
        stills.size(), dir.c_str(), frames, pool_threads, kizuna::stages::simd_target().c_str());
    std::printf("  enhance %.2f/%.2f/%.2f/%.2f (contrast/line/sat/sharpen), temporal on\n",
                profile->enhance.contrast, profile->enhance.line_darken,
                profile->enhance.saturation, profile->enhance.sharpen);

    bool vk_is_cpu = true;
    if (auto devs = kizuna::probe_vulkan_devices(); devs && !devs->empty()) {
        vk_is_cpu = devs->front().type == kizuna::GpuDeviceType::cpu;
    } else {
        vulkan = false;
    }

    const int cases[][2] = {{1280, 720}, {1920, 1080}};
    for (const auto& c : cases) {
        const int iw = c[0], ih = c[1], ow = 2 * iw, oh = 2 * ih;
        if (only_height != 0 && ih != only_height) continue;
        std::vector<kizuna::Image> inputs;
        for (const auto& s : stills) {
            auto img = scale_to(s, iw, ih);
            if (!img) return 1;
            inputs.push_back(std::move(*img));
        }
        // A sequence holds each still for `hold` frames (a cut every `hold` frames).
        const int hold = std::max(1, frames / static_cast<int>(inputs.size()));
        auto input_of = [&](int i) -> const kizuna::Image& {
            return inputs[static_cast<size_t>(i / hold) % inputs.size()];
        };
        std::printf("\n%dx%d -> %dx%d\n", iw, ih, ow, oh);

        kizuna::PreviewOptions opts;
        opts.backend = kizuna::PreviewBackendKind::cpu;
        opts.threads = threads;
        opts.scale = 2.0f;
        auto preview = kizuna::Preview::create(*profile, opts);
        if (!preview) {
            std::fprintf(stderr, "%s\n", preview.error().message.c_str());
            return 1;
        }
        kizuna::Image out;
        std::vector<double> st[4];
        const Timing cpu = time_it(3, frames, [&](int i) {
            if (!preview->process(input_of(i).view(), out)) std::abort();
            const kizuna::PreviewTimings t = preview->last_timings();
            if (i >= 3) {
                st[0].push_back(t.normalize_ms);
                st[1].push_back(t.reconstruct_ms);
                st[2].push_back(t.upscale_ms);
                st[3].push_back(t.enhance_ms);
            }
        });
        print("cpu preview (5 stages + pack)", cpu);
        print("  1 normalize", timing_of(st[0]));
        print("  2 reconstruct", timing_of(st[1]));
        print("  3 upscale (set-up; rows fused)", timing_of(st[2]));
        print("  3 rows+4+5+pack fused", timing_of(st[3]));
        if (breakdown) {
            // The fused pass with one of stages 4 and 5 switched off (wall ms of that pass).
            for (int variant = 0; variant < 2; ++variant) {
                kizuna::Profile alt = *profile;
                (variant == 0 ? alt.enhance.enabled : alt.temporal.enabled) = false;
                auto pv = kizuna::Preview::create(alt, opts);
                if (!pv) return 1;
                std::vector<double> fused;
                time_it(3, frames, [&](int i) {
                    if (!pv->process(input_of(i).view(), out)) std::abort();
                    if (i >= 3) fused.push_back(pv->last_timings().enhance_ms);
                });
                print(variant == 0 ? "  3+5+pack fused (enhance off)"
                                   : "  3+4+pack fused (temporal off)",
                      timing_of(fused));
            }
        }

        if (preview_only) continue;

        // Stages 4, 5 and packing unfused, on the upscaled-size frame (normalized input).
        {
            kizuna::stages::ThreadPool pool(threads);
            kizuna::stages::PlanarFrame up, enh, stab;
            if (!up.ensure(ow, oh, false)) return 1;
            auto big = scale_to(input_of(0), ow, oh);
            if (!big) return 1;
            for (int y = 0; y < oh; ++y) {
                const auto* row = big->view().row_as<uint8_t>(y);
                for (int x = 0; x < ow; ++x) {
                    up.r.row(y)[x] = row[4 * x] / 255.0f;
                    up.g.row(y)[x] = row[4 * x + 1] / 255.0f;
                    up.b.row(y)[x] = row[4 * x + 2] / 255.0f;
                }
            }
            kizuna::stages::EnhanceParams ep{profile->enhance.contrast,
                                             profile->enhance.line_darken,
                                             profile->enhance.saturation, profile->enhance.sharpen};
            kizuna::stages::EnhanceCpu enhance;
            print("  4 enhance alone", time_it(3, frames, [&](int) {
                      if (!enhance.run(up, nullptr, ep, false, enh, pool)) std::abort();
                  }));
            kizuna::stages::EnhanceParams sat_only{0, 0, profile->enhance.saturation, 0};
            print("  4 enhance, saturation only", time_it(3, frames, [&](int) {
                      if (!enhance.run(up, nullptr, sat_only, false, enh, pool)) std::abort();
                  }));
            kizuna::stages::EnhanceParams no_sat = ep;
            no_sat.saturation = 1.0f;
            print("  4 enhance, without saturation", time_it(3, frames, [&](int) {
                      if (!enhance.run(up, nullptr, no_sat, false, enh, pool)) std::abort();
                  }));
            kizuna::stages::TemporalCpu temporal;
            kizuna::stages::TemporalParams tp{profile->temporal.strength,
                                              profile->temporal.motion_threshold,
                                              profile->temporal.scene_cut_threshold};
            print("  5 temporal alone", time_it(3, frames, [&](int) {
                      if (!temporal.run(enh, tp, stab, pool)) std::abort();
                  }));
            auto packed = kizuna::Image::create(ow, oh, kizuna::PixelFormat::rgba8);
            if (!packed) return 1;
            print("  pack rgba8 alone", time_it(3, frames, [&](int) {
                      if (!kizuna::stages::pack_cpu(stab, false, packed->view(), pool))
                          std::abort();
                  }));
        }

        // Peer: libswscale lanczos RGBA -> RGBA, same frames, same thread count.
        Sws sws;
        if (!make_sws(sws, iw, ih, ow, oh, SWS_LANCZOS, pool_threads)) {
            std::fprintf(stderr, "swscale lanczos init failed\n");
            return 1;
        }
        auto dst = kizuna::Image::create(ow, oh, kizuna::PixelFormat::rgba8);
        if (!dst) return 1;
        FrameRef src_ref, dst_ref;
        wrap(dst_ref, *dst);
        const Timing sw = time_it(3, frames, [&](int i) {
            wrap(src_ref, input_of(i));
            if (sws_scale_frame(sws.ctx, dst_ref.f, src_ref.f) < 0) std::abort();
        });
        print("swscale lanczos (peer)", sw);
        std::printf("  ratio cpu preview / swscale lanczos: %.2fx the time (target %s: %.1f ms)\n",
                    cpu.median / sw.median, iw == 1920 ? "<= 33 ms" : "<= 16.7 ms", cpu.median);

        if (vulkan) {
            opts.backend = kizuna::PreviewBackendKind::vulkan;
            auto vk = kizuna::Preview::create(*profile, opts);
            if (!vk) {
                std::printf("  vulkan: unavailable (%s)\n", vk.error().message.c_str());
            } else {
                const int vk_frames = vk_is_cpu ? 3 : frames;
                kizuna::Image vk_out;
                const Timing v = time_it(vk_is_cpu ? 1 : 3, vk_frames, [&](int i) {
                    if (!vk->process(input_of(i).view(), vk_out)) std::abort();
                });
                print(vk_is_cpu ? "vulkan on lavapipe (NOT a speed figure)" : "vulkan preview", v);
            }
        }
    }
    return 0;
}
