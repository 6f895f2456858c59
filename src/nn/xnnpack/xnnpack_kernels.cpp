#include "nn/xnnpack/xnnpack_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "nn/thread_pool.hpp"

namespace kizuna::nn::xnn {
namespace {

// fn(y, x) for every pixel of `dst`, its rows split over `pool`.
template <class Fn>
void for_each_pixel(const NhwcView& dst, pthreadpool_t pool, Fn&& fn) {
    parallel_for(pool, static_cast<size_t>(dst.height), [&](size_t y) {
        for (int x = 0; x < dst.width; ++x) fn(static_cast<int>(y), x);
    });
}

}  // namespace

void nchw_to_nhwc(const float* src, size_t plane_stride, const NhwcView& dst, pthreadpool_t pool) {
    const int c_n = dst.channels;
    const int w = dst.width;
    parallel_for(pool, static_cast<size_t>(dst.height), [&](size_t y) {
        const float* row = src + y * w;
        for (int x = 0; x < w; ++x) {
            float* out = dst.pixel(static_cast<int>(y), x);
            for (int c = 0; c < c_n; ++c) out[c] = row[c * plane_stride + x];
        }
    });
}

void nhwc_to_nchw(const NhwcView& src, float* dst, size_t plane_stride, pthreadpool_t pool) {
    const int c_n = src.channels;
    const int w = src.width;
    parallel_for(pool, static_cast<size_t>(src.height), [&](size_t y) {
        float* row = dst + y * w;
        for (int x = 0; x < w; ++x) {
            const float* in = src.pixel(static_cast<int>(y), x);
            for (int c = 0; c < c_n; ++c) row[c * plane_stride + x] = in[c];
        }
    });
}

void resize_nearest(const NhwcView& src, const NhwcView& dst, pthreadpool_t pool) {
    // One task per source row: it builds the first output row that samples it and copies that
    // row to the others (rows [ceil(sy * out / in), ceil((sy + 1) * out / in))), so no two
    // tasks touch the same output row.
    const int64_t ih = src.height;
    const int64_t oh = dst.height;
    const int c_n = dst.channels;
    const size_t row_floats = static_cast<size_t>(dst.width) * dst.pixel_stride;
    const bool packed = dst.pixel_stride == static_cast<size_t>(c_n);
    parallel_for(pool, static_cast<size_t>(src.height), [&](size_t s) {
        const int64_t sy = static_cast<int64_t>(s);
        const int y0 = static_cast<int>((sy * oh + ih - 1) / ih);
        const int y1 = static_cast<int>(std::min(oh, ((sy + 1) * oh + ih - 1) / ih));
        if (y0 >= y1) return;
        for (int x = 0; x < dst.width; ++x) {
            const int sx = static_cast<int>(
                std::min<int64_t>(static_cast<int64_t>(x) * src.width / dst.width, src.width - 1));
            const float* in = src.pixel(static_cast<int>(sy), sx);
            float* out = dst.pixel(y0, x);
            for (int c = 0; c < c_n; ++c) out[c] = in[c];
        }
        for (int y = y0 + 1; y < y1; ++y) {
            if (packed) {
                std::memcpy(dst.pixel(y, 0), dst.pixel(y0, 0), row_floats * sizeof(float));
            } else {
                for (int x = 0; x < dst.width; ++x) {
                    std::memcpy(dst.pixel(y, x), dst.pixel(y0, x),
                                static_cast<size_t>(c_n) * sizeof(float));
                }
            }
        }
    });
}

void pixel_shuffle_ncnn(const NhwcView& src, const NhwcView& dst, int r, pthreadpool_t pool) {
    const int c_n = dst.channels;
    const int rr = r * r;
    parallel_for(pool, static_cast<size_t>(dst.height), [&](size_t oy) {
        const int y = static_cast<int>(oy) / r;
        const int i = static_cast<int>(oy) % r;
        for (int ox = 0; ox < dst.width; ++ox) {
            const int x = ox / r;
            const int j = ox % r;
            const float* in = src.pixel(y, x) + i * r + j;
            float* out = dst.pixel(static_cast<int>(oy), ox);
            for (int c = 0; c < c_n; ++c) out[c] = in[c * rr];
        }
    });
}

void crop(const NhwcView& src, int y0, int x0, int c0, const NhwcView& dst, pthreadpool_t pool) {
    const size_t bytes = static_cast<size_t>(dst.channels) * sizeof(float);
    parallel_for(pool, static_cast<size_t>(dst.height), [&](size_t y) {
        for (int x = 0; x < dst.width; ++x) {
            std::memcpy(dst.pixel(static_cast<int>(y), x),
                        src.pixel(static_cast<int>(y) + y0, x + x0) + c0, bytes);
        }
    });
}

void paste(const NhwcView& src, const NhwcView& dst, int y0, int x0, int c0, pthreadpool_t pool) {
    const size_t bytes = static_cast<size_t>(src.channels) * sizeof(float);
    parallel_for(pool, static_cast<size_t>(src.height), [&](size_t y) {
        for (int x = 0; x < src.width; ++x) {
            std::memcpy(dst.pixel(static_cast<int>(y) + y0, x + x0) + c0,
                        src.pixel(static_cast<int>(y), x), bytes);
        }
    });
}

void weighted_sum(const NhwcView* srcs, const float* coeffs, int n, const NhwcView& dst,
                  pthreadpool_t pool) {
    const int c_n = dst.channels;
    for_each_pixel(dst, pool, [&](int y, int x) {
        float* out = dst.pixel(y, x);
        // Accumulate in input order, so the result does not depend on threads.
        const float* a = srcs[0].pixel(y, x);
        for (int c = 0; c < c_n; ++c) out[c] = coeffs[0] * a[c];
        for (int k = 1; k < n; ++k) {
            const float* b = srcs[k].pixel(y, x);
            for (int c = 0; c < c_n; ++c) out[c] += coeffs[k] * b[c];
        }
    });
}

bool binary_scalar(const NhwcView& src, int op, float b, const NhwcView& dst, pthreadpool_t pool) {
    if (op < 0 || op > 8 || op == 6) return false;
    const int c_n = dst.channels;
    for_each_pixel(dst, pool, [&](int y, int x) {
        const float* in = src.pixel(y, x);
        float* out = dst.pixel(y, x);
        for (int c = 0; c < c_n; ++c) {
            const float a = in[c];
            float v = a;
            switch (op) {
                case 0:
                    v = a + b;
                    break;
                case 1:
                    v = a - b;
                    break;
                case 2:
                    v = a * b;
                    break;
                case 3:
                    v = a / b;
                    break;
                case 4:
                    v = std::max(a, b);
                    break;
                case 5:
                    v = std::min(a, b);
                    break;
                case 7:
                    v = b - a;
                    break;
                case 8:
                    v = b / a;
                    break;
                default:
                    break;
            }
            out[c] = v;
        }
    });
    return true;
}

void resize_4tap(const NhwcView& src, const NhwcView& dst, const int* xi, const float* xw,
                 const int* yi, const float* yw, pthreadpool_t pool) {
    const int c_n = dst.channels;
    for_each_pixel(dst, pool, [&](int y, int x) {
        float* out = dst.pixel(y, x);
        for (int c = 0; c < c_n; ++c) {
            float v = 0.f;
            for (int t = 0; t < 4; ++t) {
                const int sy = yi[4 * y + t];
                float h = 0.f;
                for (int k = 0; k < 4; ++k) h += xw[4 * x + k] * src.pixel(sy, xi[4 * x + k])[c];
                v += yw[4 * y + t] * h;
            }
            out[c] = v;
        }
    });
}

void bicubic_table(int n, int out_n, bool align_corner, int* idx, float* wt) {
    const float a = -0.75f;
    auto near = [a](float x) { return ((a + 2) * x - (a + 3)) * x * x + 1; };
    auto far = [a](float x) { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a; };
    for (int d = 0; d < out_n; ++d) {
        float f = 0.f;
        if (align_corner) {
            f = out_n > 1 ? static_cast<float>(d) * (n - 1) / (out_n - 1) : 0.f;
        } else {
            f = static_cast<float>((d + 0.5) * n / out_n - 0.5);
        }
        const int i0 = static_cast<int>(std::floor(f));
        const float t = f - static_cast<float>(i0);
        float* w = wt + 4 * d;
        w[0] = far(t + 1);
        w[1] = near(t);
        w[2] = near(1 - t);
        w[3] = 1.f - w[0] - w[1] - w[2];
        for (int k = 0; k < 4; ++k) idx[4 * d + k] = std::clamp(i0 - 1 + k, 0, n - 1);
    }
}

void scale_channels(const NhwcView& src, const float* scale, const float* bias, const NhwcView& dst,
                    pthreadpool_t pool) {
    const int c_n = dst.channels;
    for_each_pixel(dst, pool, [&](int y, int x) {
        const float* in = src.pixel(y, x);
        float* out = dst.pixel(y, x);
        if (bias != nullptr) {
            for (int c = 0; c < c_n; ++c) out[c] = in[c] * scale[c] + bias[c];
        } else {
            for (int c = 0; c < c_n; ++c) out[c] = in[c] * scale[c];
        }
    });
}

}  // namespace kizuna::nn::xnn
