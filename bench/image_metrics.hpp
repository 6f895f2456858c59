// Picture comparisons for the benchmarks: PSNR (RGB, whole picture or a border band / interior),
// SSIM (luma) and edge overshoot; with stats.hpp, the median / min / max of timings.
// Header-only; pure functions of their arguments.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "rgb_image.hpp"
#include "stats.hpp"

namespace kizuna::bench {

// Which pixels a PSNR counts.
enum class Region {
    all,
    border,    // within `band` pixels of an edge
    interior,  // the rest
};

// Sum of squared 8-bit differences over the region and the number of samples in it; a and b have
// one size.
inline void squared_error(const Rgb& a, const Rgb& b, Region region, int band, double& se,
                          double& samples) {
    se = 0;
    samples = 0;
    for (int y = 0; y < a.h; ++y)
        for (int x = 0; x < a.w; ++x) {
            const bool edge = x < band || y < band || x >= a.w - band || y >= a.h - band;
            if ((region == Region::border && !edge) || (region == Region::interior && edge))
                continue;
            for (int c = 0; c < 3; ++c) {
                const double d = static_cast<double>(a.at(x, y, c)) - b.at(x, y, c);
                se += d * d;
            }
            samples += 3;
        }
}

// PSNR in dB of 8-bit RGB from a summed squared error; 99 when identical.
inline double psnr_from(double se, double samples) {
    if (samples == 0) return 0;
    const double mse = se / samples;
    return mse == 0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

inline double psnr_rgb(const Rgb& a, const Rgb& b, Region region = Region::all, int band = 0) {
    double se, n;
    squared_error(a, b, region, band, se, n);
    return psnr_from(se, n);
}

inline std::vector<double> luma(const Rgb& a) {
    std::vector<double> y(static_cast<size_t>(a.w) * a.h);
    for (size_t i = 0; i < y.size(); ++i)
        y[i] = 0.299 * a.px[i * 3] + 0.587 * a.px[i * 3 + 1] + 0.114 * a.px[i * 3 + 2];
    return y;
}

// Separable Gaussian blur (sigma 1.5, 11 taps), edges clamped.
inline std::vector<double> blur(const std::vector<double>& v, int w, int h) {
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
inline double ssim_luma(const Rgb& a, const Rgb& b) {
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
inline double overshoot(const Rgb& orig, const Rgb& res, double* p99) {
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

// The three figures of the quality table, summable for averages.
struct Score {
    double psnr = 0, ssim = 0, over = 0, over99 = 0;
    void add(const Score& o) {
        psnr += o.psnr;
        ssim += o.ssim;
        over += o.over;
        over99 += o.over99;
    }
    Score mean(int n) const { return {psnr / n, ssim / n, over / n, over99 / n}; }
};

inline Score score(const Rgb& orig, const Rgb& res) {
    Score s;
    s.psnr = psnr_rgb(orig, res);
    s.ssim = ssim_luma(orig, res);
    s.over = overshoot(orig, res, &s.over99);
    return s;
}

}  // namespace kizuna::bench
