// Stage 5, temporal stabilization: blends the stage input E with the previous OUTPUT H where the
// picture is still, not where it moves, and forgets H on scene cuts.
//
// The reference defines the result, per frame:
//  1. No history, or history of another size: out = E (a reset).
//  2. Scene cut: the mean over all pixels of |Y(E) - Y(H)|, Y = 0.2126 r + 0.7152 g + 0.0722 b,
//     is > scene_cut_threshold: out = E (a reset).
//  3. Otherwise, per pixel: D = (|Er - Hr| + |Eg - Hg| + |Eb - Hb|) * (1/3); m = mean of D over the
//     3x3 neighbourhood (edges clamped); the history weight is
//       w = strength * clamp((t - m) * (2 / t), 0, 1),  t = motion_threshold
//     (full strength up to m = t/2, none from m = t), and out = E + w * (H - E).
//  Then H = out. Alpha (when present) is copied from E, never blended.
// Still noise of amplitude well below t is averaged over ~(1 + w) / (1 - w) frames; a moved edge
// differs by far more than t so it is taken from E as is: no trail.
#pragma once

#include <algorithm>
#include <vector>

#include "kizuna/error.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"
#include "stages/thread_pool.hpp"

namespace kizuna::stages {

// The previous output of the reference. reset() forgets it.
struct TemporalHistory {
    PlanarFrame frame;
    bool valid = false;
    void reset() noexcept { valid = false; }
};

// The reference. in and out must be distinct. Returns true when this frame was a reset (no
// history, size change or scene cut), i.e. out equals in.
Result<bool> temporal_reference(const PlanarFrame& in, const TemporalParams& p,
                                TemporalHistory& history, PlanarFrame& out);

namespace temporal_detail {

// Row kernels (SIMD with runtime dispatch). Rows may be read and written in whole vectors up to
// round_up(width, 16), so they must be plane rows or buffers padded like them.
//
// D row of step 3 into d[0, width), plus d[-1] = d[0] and d[width] = d[width - 1] (d needs room
// for 16 floats before and after). Returns the row's sum of |Y(E) - Y(H)|.
float diff_row(const float* const e[3], const float* const h[3], int width, float* d);
// out = E + w * (H - E) with w from the three D rows (made by diff_row) around this row.
void blend_row(const float* d_up, const float* d_mid, const float* d_down, const float* const e[3],
               const float* const h[3], int width, const TemporalParams& p, float* const out[3]);

// Floats of per-band scratch for run_band (3 D rows).
size_t band_scratch_floats(int width) noexcept;

// Runs stage 5 over the rows [y0, y1) of an h-row frame, one band of a row-parallel pass.
//  source(y, slot) -> const float* const* : E row y (3 pointers); slot in {0, 1, 2} names a
//    ring slot the source may compute into; a slot is reused 3 rows later. Rows y0 - 1 and y1
//    (clamped to the frame) are asked for too.
//  hist(y) -> const float* const* : H row y (3 pointers). Not read when reset is true.
//  dst(y) -> float* const* : where out row y goes (3 pointers).
//  done(y) : called after out row y is written.
// reset: out = E (steps 1-2). Otherwise step 3, and luma_sums[y] receives the row's sum of
// |Y(E) - Y(H)| for y in [y0, y1). scratch: band_scratch_floats(width) floats.
template <class Source, class Hist, class Dst, class Done>
void run_band(int y0, int y1, int h, int width, bool reset, const TemporalParams& p, float* scratch,
              float* luma_sums, Source&& source, Hist&& hist, Dst&& dst, Done&& done) {
    if (reset) {
        for (int y = y0; y < y1; ++y) {
            const float* const* e = source(y, y % 3);
            float* const* o = dst(y);
            for (int c = 0; c < 3; ++c) {
                if (o[c] != e[c]) std::copy(e[c], e[c] + width, o[c]);
            }
            done(y);
        }
        return;
    }
    const size_t pitch = band_scratch_floats(width) / 3;
    float* drow[3] = {scratch + 16, scratch + pitch + 16, scratch + 2 * pitch + 16};
    const float* erow[3][3] = {};
    auto compute = [&](int yy) {
        const int slot = yy % 3;
        const float* const* e = source(yy, slot);
        for (int c = 0; c < 3; ++c) erow[slot][c] = e[c];
        const float sum = diff_row(e, hist(yy), width, drow[slot]);
        if (yy >= y0 && yy < y1) luma_sums[yy] = sum;
    };
    int next = std::max(y0 - 1, 0);
    for (int y = y0; y < y1; ++y) {
        const int last = std::min(y + 1, h - 1);
        for (; next <= last; ++next) compute(next);
        const int yu = std::max(y - 1, 0), yd = std::min(y + 1, h - 1);
        blend_row(drow[yu % 3], drow[y % 3], drow[yd % 3], erow[y % 3], hist(y), width, p, dst(y));
        done(y);
    }
}

}  // namespace temporal_detail

// The fast version: the same result as the reference within 1e-5 per value (float summation
// order differs); identical for any thread count. Keeps its own history (two frames, swapped
// each frame). The scene-cut statistic needs the whole frame, so the blend runs first and a
// frame found to be a cut is redone as a reset (cuts are rare). Allocates nothing in steady
// state.
class TemporalCpu {
public:
    Result<bool> run(const PlanarFrame& in, const TemporalParams& p, PlanarFrame& out,
                     ThreadPool& pool);
    void reset() noexcept { valid_ = false; }

private:
    PlanarFrame history_;
    bool valid_ = false;
    std::unique_ptr<float[]> scratch_;
    size_t scratch_floats_ = 0;
    std::vector<float> luma_sums_;
};

}  // namespace kizuna::stages
