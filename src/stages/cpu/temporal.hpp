// Fast CPU version of stage 5 (temporal.hpp): Highway SIMD row kernels (runtime dispatch) that
// evaluate the rule with the same float operations as the reference (no FMA), driven band by band
// over the thread pool, with the history kept as fp16 (half_planar.hpp). The row kernels are also
// run by the fused pass of the CPU preview chain (cpu/preview_pass.hpp), which packs each
// blended row at once (blend_pack_row).
#pragma once

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

// The R rows of step 3 around the row being blended, for one band of rows, and the E rows they
// were made from: a ring of three. Rows are added in increasing order; row y can be blended once
// rows y - 1 .. y + 1 (clamped to the frame) are in.
class DiffRing {
public:
    // scratch: band_scratch_floats(width) floats, owned by the caller.
    DiffRing(float* scratch, int width) noexcept
        : rows_(band_rows(scratch, width)), width_(width) {}

    // Adds row y: diff_row of E row e and H row h (prefetch as there); keeps the 3 pointers of e
    // for blending. Returns the row's sum of |Y(E) - Y(H)|.
    float add(int y, const float* const e[3], const uint16_t* const h[3],
              const uint16_t* const* prefetch = nullptr) {
        const int slot = y % 3;
        for (int c = 0; c < 3; ++c) e_[slot][c] = e[c];
        return diff_row(e, h, width_, rows_.d, rows_.r[slot], prefetch);
    }
    const float* r(int y) const noexcept { return rows_.r[y % 3]; }
    const float* const* e(int y) const noexcept { return e_[y % 3]; }

private:
    BandRows rows_;
    const float* e_[3][3] = {};
    int width_;
};

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
