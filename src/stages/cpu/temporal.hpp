// Fast CPU version of stage 5 (temporal.hpp): Highway SIMD row kernels (runtime dispatch) that
// evaluate the rule with the same float operations as the reference (no FMA), driven band by band
// over the thread pool, with the history kept as fp16 (half_planar.hpp). The row kernels are also
// run by the fused pass of the CPU preview chain (cpu/preview_pass.hpp), which packs each
// blended row at once (blend_pack_row).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "stages/cpu/half_planar.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

namespace temporal_detail {

// Row kernels (SIMD with runtime dispatch). Float rows may be read and written in whole vectors
// up to round_up(width, 16), fp16 rows (history, IEEE binary16 bits) likewise: they must be plane
// rows or buffers padded like them. The fp16 conversions round to nearest even on every target.
//
// The rows of one band's scratch (band_scratch_floats floats): three R rows (a ring) and one D
// row, 64-byte aligned, each with room for 16 floats before and after.
struct BandRows {
    float* r[3];
    float* d;
};
size_t band_scratch_floats(int width) noexcept;
BandRows band_rows(float* scratch, int width) noexcept;

// D of step 3 into d[0, width) (d[-1] and d[width] are overwritten too), then the row of R
// (temporal.hpp) into r[0, width). Returns the row's sum of |Y(E) - Y(H)|. prefetch: null, or
// the H rows a later call reads (3 pointers), fetched into the cache meanwhile.
float diff_row(const float* const e[3], const uint16_t* const h[3], int width, float* d, float* r,
               const uint16_t* const* prefetch = nullptr);
// out = E + w * (H - E) with w from the three R rows (made by diff_row) around this row, and,
// when hist_out is not null, the new history: out rounded to fp16.
void blend_row(const float* r_up, const float* r_mid, const float* r_down, const float* const e[3],
               const uint16_t* const h[3], int width, const TemporalParams& p, float* const out[3],
               uint16_t* const hist_out[3]);
// dst[0, width) = src rounded to fp16 (the history of a reset row).
void round_row(const float* src, int width, uint16_t* dst);

// blend_row followed by pack_row (cpu/pack.hpp) of the blended row, in one pass:
// hist_out[c] receives exactly what blend_row writes there (the blended row rounded to fp16)
// and dst exactly what pack_row would write from the float blend and alpha. hist_out rows are
// written with cache-bypassing stores when all three are aligned to a whole vector (plane rows
// are), and so is dst for rgba8 when its start is 64-byte aligned; the stores are complete
// (fenced) when the call returns. Same padding rules as blend_row.
void blend_pack_row(const float* r_up, const float* r_mid, const float* r_down,
                    const float* const e[3], const uint16_t* const h[3], int width,
                    const TemporalParams& p, uint16_t* const hist_out[3], const float* alpha,
                    bool encode_srgb, PixelFormat format, std::byte* dst);

// Runs stage 5 over the rows [y0, y1) of an h-row frame, one band of a row-parallel pass.
//  source(y, slot) -> const float* const* : E row y (3 pointers); slot in {0, 1, 2} names a
//    ring slot the source may compute into; a slot is reused 3 rows later. Rows y0 - 1 and y1
//    (clamped to the frame) are asked for too.
//  hist(y) -> const uint16_t* const* : H row y (3 pointers). Not read when reset is true.
//  next(y) -> uint16_t* const* : where the new history row y goes (3 pointers).
//  dst(y) -> float* const* : where out row y goes (3 pointers).
//  done(y) : called after out row y is written.
// reset: out = E (steps 1-2). Otherwise step 3, and luma_sums[y] receives the row's sum of
// |Y(E) - Y(H)| for y in [y0, y1). scratch: band_scratch_floats(width) floats.
template <class Source, class Hist, class Next, class Dst, class Done>
void run_band(int y0, int y1, int h, int width, bool reset, const TemporalParams& p, float* scratch,
              float* luma_sums, Source&& source, Hist&& hist, Next&& next, Dst&& dst, Done&& done) {
    if (reset) {
        for (int y = y0; y < y1; ++y) {
            const float* const* e = source(y, y % 3);
            float* const* o = dst(y);
            uint16_t* const* n = next(y);
            for (int c = 0; c < 3; ++c) {
                if (o[c] != e[c]) std::copy(e[c], e[c] + width, o[c]);
                round_row(e[c], width, n[c]);
            }
            done(y);
        }
        return;
    }
    const BandRows rows = band_rows(scratch, width);
    const float* erow[3][3] = {};
    auto compute = [&](int yy) {
        const int slot = yy % 3;
        const float* const* e = source(yy, slot);
        for (int c = 0; c < 3; ++c) erow[slot][c] = e[c];
        const float sum = diff_row(e, hist(yy), width, rows.d, rows.r[slot]);
        if (yy >= y0 && yy < y1) luma_sums[yy] = sum;
    };
    int ready = std::max(y0 - 1, 0);
    for (int y = y0; y < y1; ++y) {
        const int last = std::min(y + 1, h - 1);
        for (; ready <= last; ++ready) compute(ready);
        const int yu = std::max(y - 1, 0), yd = std::min(y + 1, h - 1);
        blend_row(rows.r[yu % 3], rows.r[y % 3], rows.r[yd % 3], erow[y % 3], hist(y), width, p,
                  dst(y), next(y));
        done(y);
    }
}

}  // namespace temporal_detail

// Stage 5, fast: the same result as temporal_ref within 1e-5 per value (the same float
// evaluation; only the scene-cut sum is added in another order); identical for any thread
// count. Keeps its own fp16 history (two frames: a frame reads one and writes the other). The
// scene-cut statistic needs the whole frame, so the blend runs first and a frame found to be a
// cut is redone as a reset (cuts are rare). Allocates nothing in steady state.
class TemporalCpu {
public:
    Result<bool> run(const PlanarFrame& in, const TemporalParams& p, PlanarFrame& out,
                     ThreadPool& pool);
    void reset() noexcept { valid_ = false; }

private:
    HalfFrame history_[2];
    int cur_ = 0;  // history_[cur_] is H
    bool valid_ = false;
    std::unique_ptr<float[]> scratch_;
    size_t scratch_floats_ = 0;
    std::vector<float> luma_sums_;
};

}  // namespace kizuna::stages
