// The fused pass of the fast CPU preview chain (preview_pass.hpp). A band of rows is read through
// two row sources, each a small ring in the thread's scratch: UpscaledRows (stage 3's output) and
// EnhancedRows (stage 4's output E, made from three upscaled rows). Then one of three loops writes
// the band: pack_band (no stage 5), reset_band (stage 5 resets) or blend_band (stage 5 blends,
// each row's blend and packing in one kernel).
#include "stages/cpu/preview_pass.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "stages/cpu/enhance.hpp"
#include "stages/cpu/pack.hpp"
#include "stages/cpu/temporal.hpp"

namespace kizuna::stages::preview_detail {

namespace {

// Smallest band of the pass. A band recomputes about 2.5 rows' worth of work at its edges
// (4 upscaled, 2 enhanced and 2 difference rows), so bands stay at least this tall.
constexpr int kBandGrain = 32;

// Floats of one scratch row of a width-wide frame: whole vectors, with slack.
size_t padded(int width) {
    return (static_cast<size_t>(width) + 15) / 16 * 16 + 32;
}

// n rounded up to whole 64-byte lines of floats.
size_t lines(size_t n) {
    return (n + 15) / 16 * 16;
}

// Stage 3's output rows for one band: rows of the upscaled frame, or, with the fused x2 step,
// rows computed into a ring of 4. Rows are asked for in increasing order, at most 3 apart, so
// the ring holds every row still in use.
class UpscaledRows {
public:
    UpscaledRows(const FusedPass& f, const PassBuffers& b) noexcept
        : f_(f), ring_(b.upscaled), pitch_(padded(f.width)) {
        scratch_.floats = b.row2x;
    }

    // R, G, B of row y; valid while the next 3 rows are asked for.
    const float* const* get(int y) {
        const int slot = y & 3;
        if (tag_[slot] != y) {
            if (f_.row2x) {
                float* dst[3];
                for (int c = 0; c < 3; ++c) {
                    dst[c] = ring_ + (3 * slot + c) * pitch_;
                    rows_[slot][c] = dst[c];
                }
                f_.row2x->row2x(y, dst, scratch_);
            } else {
                rows_[slot][0] = f_.upscaled->r.row(y);
                rows_[slot][1] = f_.upscaled->g.row(y);
                rows_[slot][2] = f_.upscaled->b.row(y);
            }
            tag_[slot] = y;
        }
        return rows_[slot];
    }

private:
    const FusedPass& f_;
    float* ring_;
    size_t pitch_;
    UpscaleCpu::Row2xScratch scratch_;
    const float* rows_[4][3] = {};
    int tag_[4] = {-1, -1, -1, -1};  // the row each slot holds
};

// Stage 4's output rows E for one band: enhance_row of upscaled rows y - 1 .. y + 1 into a ring
// of 3, or the upscaled rows themselves when stage 4 is skipped.
class EnhancedRows {
public:
    EnhancedRows(const FusedPass& f, UpscaledRows& up, const PassBuffers& b) noexcept
        : f_(f), up_(up), ring_(b.enhanced), scratch_(b.enhance), pitch_(padded(f.width)) {}

    // R, G, B of E row y, computed into ring slot `slot` (0..2; a slot is reused 3 rows later).
    // The returned array is valid until the next call; the rows it names, until their slot is
    // reused.
    const float* const* get(int y, int slot) {
        if (!f_.enhance) {
            const float* const* u = up_.get(y);
            rows_[0] = u[0], rows_[1] = u[1], rows_[2] = u[2];
            return rows_;
        }
        const int w = f_.width, h = f_.height;
        const int yu = std::max(y - 1, 0), yd = std::min(y + 1, h - 1);
        enhance_detail::RowArgs args;
        const float* const* ru = up_.get(yu);
        const float* const* rm = up_.get(y);
        const float* const* rd = up_.get(yd);
        for (int c = 0; c < 3; ++c) {
            args.up[c] = ru[c];
            args.mid[c] = rm[c];
            args.down[c] = rd[c];
        }
        args.width = w;
        if (f_.classes) {
            args.cls = f_.classes->cls_row(static_cast<int>(int64_t{y} * f_.classes->height() / h));
            args.cls_x = f_.cls_x;
        }
        float* dst[3];
        for (int c = 0; c < 3; ++c) dst[c] = ring_ + (3 * slot + c) * pitch_;
        enhance_detail::enhance_row(args, *f_.enhance, f_.linear, scratch_, dst);
        for (int c = 0; c < 3; ++c) rows_[c] = dst[c];
        return rows_;
    }

private:
    const FusedPass& f_;
    UpscaledRows& up_;
    float* ring_;
    float* scratch_;
    size_t pitch_;
    const float* rows_[3] = {};
};

const float* alpha_row(const FusedPass& f, int y) {
    return f.alpha ? f.alpha->row(y) : nullptr;
}

// Packs E row y into the output.
void pack(const FusedPass& f, int y, const float* const* rows) {
    pack_detail::pack_row(rows, alpha_row(f, y), f.width, f.linear, f.out.format, f.out.row(y));
}

// Stage 5 off: E is the output.
void pack_band(const FusedPass& f, EnhancedRows& e, int y0, int y1) {
    for (int y = y0; y < y1; ++y) pack(f, y, e.get(y, y % 3));
}

// Stage 5 resets: out = E, the new history E rounded to fp16.
void reset_band(const FusedPass& f, EnhancedRows& e, int y0, int y1) {
    HalfFrame& next = *f.next_history;
    for (int y = y0; y < y1; ++y) {
        const float* const* rows = e.get(y, y % 3);
        uint16_t* const n[3] = {next.r.row(y), next.g.row(y), next.b.row(y)};
        for (int c = 0; c < 3; ++c) temporal_detail::round_row(rows[c], f.width, n[c]);
        pack(f, y, rows);
    }
}

// Stage 5 blends: the band loop of TemporalCpu, with each row's blend and packing in one kernel
// (the new history goes out with streaming stores) and the next H row prefetched while the
// current one is diffed (it comes from memory).
void blend_band(const FusedPass& f, EnhancedRows& e, int y0, int y1, float* scratch) {
    const int w = f.width, h = f.height;
    const HalfFrame& prev = *f.history;
    HalfFrame& next = *f.next_history;
    temporal_detail::DiffRing ring(scratch, w);
    int ready = std::max(y0 - 1, 0);  // the next row to add to the ring
    for (int y = y0; y < y1; ++y) {
        for (; ready <= std::min(y + 1, h - 1); ++ready) {
            const float* const* rows = e.get(ready, ready % 3);
            const int yn = std::min(ready + 1, h - 1);
            const uint16_t* const ahead[3] = {prev.r.row(yn), prev.g.row(yn), prev.b.row(yn)};
            const uint16_t* const hist[3] = {prev.r.row(ready), prev.g.row(ready),
                                             prev.b.row(ready)};
            const float sum = ring.add(ready, rows, hist, yn > ready ? ahead : nullptr);
            if (ready >= y0 && ready < y1) f.luma_sums[ready] = sum;
        }
        const int yu = std::max(y - 1, 0), yd = std::min(y + 1, h - 1);
        const uint16_t* const hist[3] = {prev.r.row(y), prev.g.row(y), prev.b.row(y)};
        uint16_t* const n[3] = {next.r.row(y), next.g.row(y), next.b.row(y)};
        temporal_detail::blend_pack_row(ring.r(yu), ring.r(y), ring.r(yd), ring.e(y), hist, w,
                                        *f.temporal, n, alpha_row(f, y), f.linear, f.out.format,
                                        f.out.row(y));
    }
}

void run_band(const FusedPass& f, int y0, int y1, const PassBuffers& b) {
    UpscaledRows up(f, b);
    EnhancedRows e(f, up, b);
    if (!f.temporal) {
        pack_band(f, e, y0, y1);
    } else if (f.reset) {
        reset_band(f, e, y0, y1);
    } else {
        blend_band(f, e, y0, y1, b.temporal);
    }
}

}  // namespace

Result<void> PassScratch::ensure(int width, size_t row2x_floats, int threads) {
    row_floats_ = padded(width);
    // Every region starts on a 64-byte line (base_ is aligned), so that row loads of the kernels
    // do not straddle lines.
    enhanced_ = 9 * row_floats_;
    enhance_ = lines(enhance_detail::row_scratch_floats(width));
    temporal_ = lines(temporal_detail::band_scratch_floats(width));
    upscaled_ = row2x_floats ? 12 * row_floats_ : 0;
    row2x_ = row2x_floats ? padded(static_cast<int>(row2x_floats)) : 0;
    per_thread_ = enhanced_ + enhance_ + temporal_ + upscaled_ + row2x_;
    const size_t need = per_thread_ * static_cast<size_t>(threads);
    if (capacity_ < need) {
        // + 16 floats: room to start at a 64-byte line.
        data_.reset(new (std::nothrow) float[need + 16]);
        if (!data_) return make_error(Errc::out_of_memory, "preview: cannot allocate rows");
        capacity_ = need;
        const auto addr = reinterpret_cast<uintptr_t>(data_.get());
        base_ = data_.get() + (64 - addr % 64) % 64 / sizeof(float);
        std::fill_n(data_.get(), need + 16, 0.0f);
    }
    return {};
}

PassBuffers PassScratch::thread(int index) const noexcept {
    PassBuffers b;
    b.enhanced = base_ + per_thread_ * static_cast<size_t>(index);
    b.enhance = b.enhanced + enhanced_;
    b.temporal = b.enhance + enhance_;
    b.upscaled = b.temporal + temporal_;
    b.row2x = b.upscaled + upscaled_;
    return b;
}

void FusedPass::run(ThreadPool& pool) const {
    pool.parallel_for(
        height,
        [&](int y0, int y1) { run_band(*this, y0, y1, scratch->thread(pool.thread_index())); },
        kBandGrain);
}

}  // namespace kizuna::stages::preview_detail
