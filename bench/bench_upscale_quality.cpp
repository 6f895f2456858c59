// Upscale quality benchmark: real anime stills (Debian package renpy-thequestion) are shrunk x2
// by area average, then brought back x2 by our stage 3 and by FFmpeg's bicubic and lanczos
// scalers. Prints PSNR (RGB), SSIM (luma) and edge overshoot against the originals per image and
// on average, then single-frame timings of the fast CPU stages 1-3 next to FFmpeg's lanczos.
//
//   bench_upscale_quality [image_dir] [--threads N]
//
// Needs the ffmpeg and ffprobe programs on PATH.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

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
using namespace kizuna::stages;

namespace {

// Interleaved 8-bit RGB.
struct Rgb {
    int w = 0, h = 0;
    std::vector<uint8_t> px;
    uint8_t at(int x, int y, int c) const { return px[(static_cast<size_t>(y) * w + x) * 3 + c]; }
};

std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

bool run_capture(const std::string& cmd, std::vector<uint8_t>& out) {
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return false;
    out.clear();
    uint8_t buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.insert(out.end(), buf, buf + n);
    return pclose(p) == 0;
}

bool read_image(const std::string& path, Rgb& img) {
    std::vector<uint8_t> txt;
    if (!run_capture("ffprobe -v error -select_streams v:0 -show_entries stream=width,height "
                     "-of csv=p=0 " +
                         quote(path),
                     txt))
        return false;
    std::string s(txt.begin(), txt.end());
    if (std::sscanf(s.c_str(), "%d,%d", &img.w, &img.h) != 2) return false;
    if (!run_capture("ffmpeg -v error -i " + quote(path) + " -f rawvideo -pix_fmt rgb24 -", img.px))
        return false;
    if (img.px.size() != static_cast<size_t>(img.w) * img.h * 3) return false;
    // Crop to even sizes so the x2 round trip is exact.
    const int ew = img.w & ~1, eh = img.h & ~1;
    if (ew != img.w || eh != img.h) {
        std::vector<uint8_t> c(static_cast<size_t>(ew) * eh * 3);
        for (int y = 0; y < eh; ++y)
            std::memcpy(&c[static_cast<size_t>(y) * ew * 3],
                        &img.px[static_cast<size_t>(y) * img.w * 3], static_cast<size_t>(ew) * 3);
        img = {ew, eh, std::move(c)};
    }
    return true;
}

Rgb area_down2(const Rgb& in) {
    Rgb o{in.w / 2, in.h / 2, {}};
    o.px.resize(static_cast<size_t>(o.w) * o.h * 3);
    for (int y = 0; y < o.h; ++y)
        for (int x = 0; x < o.w; ++x)
            for (int c = 0; c < 3; ++c) {
                const int s = in.at(2 * x, 2 * y, c) + in.at(2 * x + 1, 2 * y, c) +
                              in.at(2 * x, 2 * y + 1, c) + in.at(2 * x + 1, 2 * y + 1, c);
                o.px[(static_cast<size_t>(y) * o.w + x) * 3 + c] =
                    static_cast<uint8_t>((s + 2) / 4);
            }
    return o;
}

// FFmpeg's scaler on planar RGB (no YUV round trip inside swscale).
bool ffmpeg_scale(const Rgb& in, int ow, int oh, const char* flags, int frames, Rgb& out,
                  double* seconds) {
    const std::string tmp_in = (fs::temp_directory_path() / "kz_bq_in.gbrp").string();
    FILE* f = std::fopen(tmp_in.c_str(), "wb");
    if (!f) return false;
    std::vector<uint8_t> planar(static_cast<size_t>(in.w) * in.h * 3);
    const size_t n = static_cast<size_t>(in.w) * in.h;
    static constexpr int order[3] = {1, 2, 0};  // gbrp: G, B, R planes
    for (int p = 0; p < 3; ++p)
        for (size_t i = 0; i < n; ++i) planar[p * n + i] = in.px[i * 3 + order[p]];
    for (int i = 0; i < frames; ++i) std::fwrite(planar.data(), 1, planar.size(), f);
    std::fclose(f);
    const std::string cmd = fmt::format(
        "ffmpeg -v error -f rawvideo -pix_fmt gbrp -s {}x{} -i {} -vf scale={}:{}:flags={}"
        "+accurate_rnd+full_chroma_int -f rawvideo -pix_fmt gbrp -",
        in.w, in.h, quote(tmp_in), ow, oh, flags);
    std::vector<uint8_t> raw;
    const auto t0 = std::chrono::steady_clock::now();
    const bool ok = run_capture(cmd, raw);
    if (seconds)
        *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fs::remove(tmp_in);
    const size_t on = static_cast<size_t>(ow) * oh;
    if (!ok || raw.size() != on * 3 * frames) return false;
    out = {ow, oh, std::vector<uint8_t>(on * 3)};
    for (int p = 0; p < 3; ++p)
        for (size_t i = 0; i < on; ++i) out.px[i * 3 + order[p]] = raw[p * on + i];
    return true;
}

Image to_image(const Rgb& in) {
    Image img = std::move(Image::create(in.w, in.h, PixelFormat::rgba8).value());
    for (int y = 0; y < in.h; ++y) {
        auto* row = img.view().row_as<uint8_t>(y);
        for (int x = 0; x < in.w; ++x) {
            for (int c = 0; c < 3; ++c) row[4 * x + c] = in.at(x, y, c);
            row[4 * x + 3] = 255;
        }
    }
    return img;
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

struct Fast {
    ThreadPool pool;
    NormalizeCpu normalize;
    ReconstructCpu reconstruct;
    UpscaleCpu upscale;
    PlanarFrame frame, up;
    FeatureMap features;
    explicit Fast(int threads) : pool(threads) {}
    bool run(ConstImageView in, int ow, int oh) {
        UpscaleParams p;
        p.out_width = ow;
        p.out_height = oh;
        return normalize.run(in, NormalizeParams{}, frame, pool).ok() &&
               reconstruct.run(frame, ReconstructParams{}, features, pool).ok() &&
               upscale.run(frame, features, p, up, pool).ok();
    }
};

struct Stats {
    double median, min, max;
};
Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return {v[v.size() / 2], v.front(), v.back()};
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

double psnr_rgb(const Rgb& a, const Rgb& b) {
    double se = 0;
    for (size_t i = 0; i < a.px.size(); ++i) {
        const double d = static_cast<double>(a.px[i]) - b.px[i];
        se += d * d;
    }
    const double mse = se / static_cast<double>(a.px.size());
    return mse == 0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

std::vector<double> luma(const Rgb& a) {
    std::vector<double> y(static_cast<size_t>(a.w) * a.h);
    for (size_t i = 0; i < y.size(); ++i)
        y[i] = 0.299 * a.px[i * 3] + 0.587 * a.px[i * 3 + 1] + 0.114 * a.px[i * 3 + 2];
    return y;
}

// Separable Gaussian blur (sigma 1.5, 11 taps), edges clamped.
std::vector<double> blur(const std::vector<double>& v, int w, int h) {
    double k[11], s = 0;
    for (int i = 0; i < 11; ++i) s += k[i] = std::exp(-(i - 5) * (i - 5) / (2 * 1.5 * 1.5));
    for (double& x : k) x /= s;
    std::vector<double> t(v.size()), o(v.size());
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double a = 0;
            for (int i = 0; i < 11; ++i)
                a += k[i] * v[static_cast<size_t>(y) * w + std::clamp(x + i - 5, 0, w - 1)];
            t[static_cast<size_t>(y) * w + x] = a;
        }
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double a = 0;
            for (int i = 0; i < 11; ++i)
                a += k[i] * t[static_cast<size_t>(std::clamp(y + i - 5, 0, h - 1)) * w + x];
            o[static_cast<size_t>(y) * w + x] = a;
        }
    return o;
}

// Mean SSIM of luma (Wang et al. 2004, Gaussian window, K1 0.01, K2 0.03), 5-pixel border left out.
double ssim_luma(const Rgb& a, const Rgb& b) {
    const int w = a.w, h = a.h;
    const auto x = luma(a), y = luma(b);
    std::vector<double> xx(x.size()), yy(x.size()), xy(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
        xx[i] = x[i] * x[i];
        yy[i] = y[i] * y[i];
        xy[i] = x[i] * y[i];
    }
    const auto mx = blur(x, w, h), my = blur(y, w, h), sxx = blur(xx, w, h), syy = blur(yy, w, h),
               sxy = blur(xy, w, h);
    const double c1 = (0.01 * 255) * (0.01 * 255), c2 = (0.03 * 255) * (0.03 * 255);
    double sum = 0;
    long n = 0;
    for (int j = 5; j < h - 5; ++j)
        for (int i = 5; i < w - 5; ++i) {
            const size_t k = static_cast<size_t>(j) * w + i;
            const double vx = sxx[k] - mx[k] * mx[k], vy = syy[k] - my[k] * my[k],
                         cv = sxy[k] - mx[k] * my[k];
            sum += ((2 * mx[k] * my[k] + c1) * (2 * cv + c2)) /
                   ((mx[k] * mx[k] + my[k] * my[k] + c1) * (vx + vy + c2));
            ++n;
        }
    return sum / static_cast<double>(n);
}

// Edge overshoot: at pixels where the original's luma Sobel/8 magnitude exceeds 16 levels per
// pixel, how far each channel of the result leaves the original's 3x3 min/max (8-bit levels).
// Returns the mean over those samples; *p99 gets the 99th percentile.
double overshoot(const Rgb& orig, const Rgb& res, double* p99) {
    const auto y = luma(orig);
    const int w = orig.w, h = orig.h;
    std::vector<double> ex;
    for (int j = 1; j < h - 1; ++j)
        for (int i = 1; i < w - 1; ++i) {
            auto L = [&](int dx, int dy) { return y[static_cast<size_t>(j + dy) * w + i + dx]; };
            const double gx =
                (L(1, -1) + 2 * L(1, 0) + L(1, 1) - L(-1, -1) - 2 * L(-1, 0) - L(-1, 1)) / 8;
            const double gy =
                (L(-1, 1) + 2 * L(0, 1) + L(1, 1) - L(-1, -1) - 2 * L(0, -1) - L(1, -1)) / 8;
            if (std::sqrt(gx * gx + gy * gy) <= 16) continue;
            for (int c = 0; c < 3; ++c) {
                int lo = 255, hi = 0;
                for (int dy = -1; dy <= 1; ++dy)
                    for (int dx = -1; dx <= 1; ++dx) {
                        lo = std::min<int>(lo, orig.at(i + dx, j + dy, c));
                        hi = std::max<int>(hi, orig.at(i + dx, j + dy, c));
                    }
                const int v = res.at(i, j, c);
                ex.push_back(std::max({0, v - hi, lo - v}));
            }
        }
    if (ex.empty()) {
        *p99 = 0;
        return 0;
    }
    double s = 0;
    for (double e : ex) s += e;
    std::sort(ex.begin(), ex.end());
    *p99 = ex[ex.size() * 99 / 100];
    return s / static_cast<double>(ex.size());
}

struct Score {
    double psnr = 0, ssim = 0, over = 0, over99 = 0;
    void add(const Score& o) {
        psnr += o.psnr;
        ssim += o.ssim;
        over += o.over;
        over99 += o.over99;
    }
};

Score score(const Rgb& orig, const Rgb& res) {
    Score s;
    s.psnr = psnr_rgb(orig, res);
    s.ssim = ssim_luma(orig, res);
    s.over = overshoot(orig, res, &s.over99);
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir = "/usr/share/games/renpy/the_question/game/images";
    int threads = 0;
    bool quality_only = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--quality-only"))
            quality_only = true;
        else
            dir = argv[i];
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
    fmt::print("x2 round trip (area-average down, x2 up), {} images from {}\n", files.size(), dir);
    fmt::print("{:<28} | {:>21} | {:>21} | {:>21}\n", "", "ours", "ffmpeg bicubic",
               "ffmpeg lanczos");
    fmt::print("{:<28} | {:>6} {:>6} {:>7} | {:>6} {:>6} {:>7} | {:>6} {:>6} {:>7}\n", "image",
               "PSNR", "SSIM", "over", "PSNR", "SSIM", "over", "PSNR", "SSIM", "over");
    Score total[3];
    int count = 0;
    for (const auto& path : files) {
        Rgb orig;
        if (!read_image(path.string(), orig)) {
            std::fprintf(stderr, "cannot read %s\n", path.c_str());
            return 1;
        }
        const Rgb low = area_down2(orig);
        Rgb res[3];
        if (!ours_ref(low, res[0]) ||
            !ffmpeg_scale(low, orig.w, orig.h, "bicubic", 1, res[1], nullptr) ||
            !ffmpeg_scale(low, orig.w, orig.h, "lanczos", 1, res[2], nullptr)) {
            std::fprintf(stderr, "upscaling %s failed\n", path.c_str());
            return 1;
        }
        fmt::print("{:<28.28}", path.filename().string());
        for (int k = 0; k < 3; ++k) {
            const Score s = score(orig, res[k]);
            total[k].add(s);
            fmt::print(" | {:6.2f} {:6.4f} {:5.3f}/{:<2.0f}", s.psnr, s.ssim, s.over, s.over99);
        }
        fmt::print("\n");
        ++count;
    }
    fmt::print("{:<28}", "average");
    for (int k = 0; k < 3; ++k)
        fmt::print(" | {:6.2f} {:6.4f} {:5.3f}/{:<2.0f}", total[k].psnr / count,
                   total[k].ssim / count, total[k].over / count, total[k].over99 / count);
    fmt::print(
        "\n(over = mean / 99th percentile overshoot in 8-bit levels beyond the original's 3x3 "
        "min/max at edges)\n");
    if (quality_only) return 0;

    // Timings of the fast CPU stages 1-3 on one frame (RGBA8 in, x2 out), next to FFmpeg's
    // lanczos on the same frame (per frame: (11 frames - 1 frame) / 10, so process start-up
    // and the raw file write cancel out).
    Rgb src;
    if (!read_image(files.front().string(), src)) return 1;
    Fast fast(threads);
    fmt::print(
        "\nfast CPU stages 1-3, {} threads, ms per frame (median / min / max of 10 after 2 "
        "warm-ups)\n",
        fast.pool.size());
    for (const auto& size : {std::pair{1280, 720}, std::pair{1920, 1080}}) {
        Rgb in;
        if (size.first == src.w && size.second == src.h) {
            in = src;
        } else if (!ffmpeg_scale(src, size.first, size.second, "lanczos", 1, in, nullptr)) {
            return 1;
        }
        const Image img = to_image(in);
        const int ow = in.w * 2, oh = in.h * 2;
        std::vector<double> tn, tr, tu, tt;
        for (int it = 0; it < 12; ++it) {
            UpscaleParams p;
            p.out_width = ow;
            p.out_height = oh;
            const auto t0 = std::chrono::steady_clock::now();
            if (!fast.normalize.run(img.view(), NormalizeParams{}, fast.frame, fast.pool)) return 1;
            const auto t1 = std::chrono::steady_clock::now();
            if (!fast.reconstruct.run(fast.frame, ReconstructParams{}, fast.features, fast.pool))
                return 1;
            const auto t2 = std::chrono::steady_clock::now();
            if (!fast.upscale.run(fast.frame, fast.features, p, fast.up, fast.pool)) return 1;
            const auto t3 = std::chrono::steady_clock::now();
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
    return 0;
}
