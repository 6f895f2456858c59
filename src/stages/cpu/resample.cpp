// Same rounding as the reference: no fused multiply-add contraction in any ISA variant.
#pragma GCC optimize("fp-contract=off")

#include "stages/cpu/resample.hpp"

#include <algorithm>

#include "stages/cpu/simd.hpp"
#include "stages/ref/resample.hpp"  // the fallback for shrinks with more taps than max_taps

namespace kizuna::stages {

void ResampleCpu::Axis::ensure(int in_sz, int out_sz, ResampleFilter f) {
    if (in_sz == in_size && out_sz == out_size && f == filter) return;
    taps.build(in_sz, out_sz, f);
    in_size = in_sz;
    out_size = out_sz;
    filter = f;
}

namespace {

constexpr int max_taps = 64;

void horizontal_row(const float* src, float* dst, const ResampleTaps& t, float anti_ringing) {
    const int n = t.count, taps = t.taps;
    for (int x = 0; x < n; ++x) {
        const int* idx = &t.index[static_cast<size_t>(x) * taps];
        const float* w = &t.weight[static_cast<size_t>(x) * taps];
        float acc = 0.0f;
        for (int k = 0; k < taps; ++k) acc += w[k] * src[idx[k]];
        const float a = src[t.lo[x]], b = src[t.hi[x]];
        const float c = std::min(std::max(acc, std::min(a, b)), std::max(a, b));
        dst[x] = acc + anti_ringing * (c - acc);
    }
}

// dst[x] = sum_k w[k] * rows[k][x], then clamped between rows lo and hi.
KZ_SIMD_FUNCTION(void, vertical_row,
                 (const float* const* rows, const float* w, int taps, const float* lo_row,
                  const float* hi_row, float anti_ringing, int n, float* __restrict dst),
                 (rows, w, taps, lo_row, hi_row, anti_ringing, n, dst)) {
    for (int x = 0; x < n; ++x) dst[x] = 0.0f;
    for (int k = 0; k < taps; ++k) {
        const float* __restrict r = rows[k];
        const float wk = w[k];
        for (int x = 0; x < n; ++x) dst[x] += wk * r[x];
    }
    for (int x = 0; x < n; ++x) {
        const float a = lo_row[x], b = hi_row[x], v = dst[x];
        const float c = std::min(std::max(v, std::min(a, b)), std::max(a, b));
        dst[x] = v + anti_ringing * (c - v);
    }
}

}  // namespace

Result<void> ResampleCpu::run(const Plane& in, Plane& out, ResampleFilter filter,
                              float anti_ringing, ThreadPool& pool) {
    const int iw = in.width(), ih = in.height(), ow = out.width(), oh = out.height();
    hx_.ensure(iw, ow, filter);
    vy_.ensure(ih, oh, filter);
    if (vy_.taps.taps > max_taps) {  // extreme shrink: rare, left to the reference
        resample_plane_ref(in, out, filter, anti_ringing);
        return {};
    }
    KZ_TRY(mid_.ensure(ow, ih));
    pool.parallel_for(ih, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y)
            horizontal_row(in.row(y), mid_.row(y), hx_.taps, anti_ringing);
    });
    pool.parallel_for(oh, [&](int y0, int y1) {
        const float* rows[max_taps];
        const int taps = vy_.taps.taps;
        for (int y = y0; y < y1; ++y) {
            const size_t base = static_cast<size_t>(y) * vy_.taps.taps;
            for (int k = 0; k < taps; ++k) rows[k] = mid_.row(vy_.taps.index[base + k]);
            vertical_row(rows, &vy_.taps.weight[base], taps, mid_.row(vy_.taps.lo[y]),
                         mid_.row(vy_.taps.hi[y]), anti_ringing, ow, out.row(y));
        }
    });
    return {};
}

}  // namespace kizuna::stages
