// The fast CPU preview chain: stages 1-3 as whole-frame passes (the fast versions of S1's
// normalize_cpu/reconstruct_cpu/upscale_cpu), then enhancement, temporal
// stabilization and output packing fused into ONE pass over rows (each band of rows reads the
// upscaled frame and the history once and writes the history and the output once, the last two
// with streaming stores; enhanced rows live only in a 3-row ring in cache). The history is kept
// as fp16 (temporal.hpp), half the bytes of a float frame. When stage 3 is a
// single x2 step and the frame has no alpha, it has no whole-frame pass at all: its output rows
// (and the blend weights they need) are computed inside the fused pass into a 4-row ring, so
// the upscaled frame is never stored. All buffers are kept between frames: no allocation in steady
// state. The result is identical for any thread count.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include "stages/cpu/enhance.hpp"
#include "stages/cpu/normalize.hpp"
#include "stages/cpu/pack.hpp"
#include "stages/cpu/reconstruct.hpp"
#include "stages/cpu/resample.hpp"
#include "stages/cpu/temporal.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/cpu/upscale.hpp"
#include "stages/preview_backend.hpp"
#include "stages/preview_chain.hpp"
#include "stages/reconstruct.hpp"
#include "stages/temporal.hpp"

namespace kizuna::stages {

namespace {

using Clock = std::chrono::steady_clock;

// Smallest band of the fused pass. A band recomputes about 2.5 rows' worth of work at its edges
// (4 upscaled, 2 enhanced and 2 difference rows), so bands stay at least this tall.
constexpr int kBandGrain = 32;

size_t padded(int width) {
    return (static_cast<size_t>(width) + 15) / 16 * 16 + 32;
}

// n rounded up to whole 64-byte lines of floats.
size_t lines(size_t n) {
    return (n + 15) / 16 * 16;
}

class CpuPreview final : public PreviewBackend {
public:
    explicit CpuPreview(int threads) : pool_(threads) {
        // The chain reads the gradients (stage 3) and the classes (stage 4), never the
        // magnitude plane: stage 2 skips writing it.
        reconstruct_.set_store_magnitude(false);
    }

    Result<void> process(ConstImageView in, ImageView out, const PreviewParams& params) override {
        KZ_TRY(check_preview_io(in, out, params));
        timings_ = {};
        auto t0 = Clock::now();
        KZ_TRY(normalize_.run(in, effective_normalize(params), normalized_, pool_));
        timings_.normalize_ms = ms_since(t0);

        t0 = Clock::now();
        if (params.reconstruct_enabled) {
            KZ_TRY(reconstruct_.run(normalized_, params.reconstruct, features_, pool_));
        } else {
            KZ_TRY(reconstruct_disabled(normalized_.width(), normalized_.height(), features_));
        }
        timings_.reconstruct_ms = ms_since(t0);

        t0 = Clock::now();
        // A single x2 step without alpha (the usual --scale 2 preview) is computed row by row
        // inside the fused pass: only its whole-frame preparation runs here.
        fused_upscale_ =
            params.upscale_enabled && !normalized_.has_alpha() &&
            UpscaleCpu::is_single_x2(normalized_.width(), normalized_.height(), params.upscale);
        if (fused_upscale_) {
            KZ_TRY(upscale_.prepare_rows2x(normalized_, features_, params.upscale, true));
            out_w_ = params.upscale.out_width;
            out_h_ = params.upscale.out_height;
        } else {
            if (params.upscale_enabled) {
                KZ_TRY(upscale_.run(normalized_, features_, params.upscale, upscaled_, pool_));
            } else {
                KZ_TRY(plain_resample(params.upscale));
            }
            out_w_ = upscaled_.width();
            out_h_ = upscaled_.height();
        }
        timings_.upscale_ms = ms_since(t0);

        t0 = Clock::now();
        KZ_TRY(finish(params, out));
        timings_.enhance_ms = ms_since(t0);
        return {};
    }

    void reset_history() override { history_valid_ = false; }
    std::string_view name() const override { return "cpu"; }
    StageTimings last_timings() const override { return timings_; }

private:
    // Stages 4, 5 and packing in one row pass (see the file comment).
    Result<void> finish(const PreviewParams& params, ImageView out) {
        const int w = out_w_, h = out_h_;
        const bool linear = chain_is_linear(params);
        const bool enhance = chain_enhances(params);
        const bool temporal = params.temporal_enabled;
        KZ_TRY(prepare(w, h, params, enhance, temporal));

        bool reset = true;
        if (temporal) {
            reset = !history_valid_ || history_[cur_].width() != w || history_[cur_].height() != h;
            if (!reset) {
                run_pass(params, out, enhance, linear, temporal, false);
                double sum = 0.0;
                for (float s : luma_sums_) sum += s;
                reset = temporal_scene_cut(sum, w, h, params.temporal);
            }
        } else {
            history_valid_ = false;
        }
        // A cut is rare: the blend pass above is redone as a reset (out = E).
        if (reset) run_pass(params, out, enhance, linear, temporal, true);
        if (temporal) {
            cur_ ^= 1;
            history_valid_ = true;
        }
        return {};
    }

    // The fast twin of plain_resample_ref (preview_chain.hpp).
    Result<void> plain_resample(const UpscaleParams& p) {
        const PlanarFrame& in = normalized_;
        KZ_TRY(upscaled_.ensure(p.out_width, p.out_height, in.has_alpha()));
        KZ_TRY(resample_.run(in.r, upscaled_.r, ResampleFilter::lanczos3, p.anti_ringing, pool_));
        KZ_TRY(resample_.run(in.g, upscaled_.g, ResampleFilter::lanczos3, p.anti_ringing, pool_));
        KZ_TRY(resample_.run(in.b, upscaled_.b, ResampleFilter::lanczos3, p.anti_ringing, pool_));
        if (in.has_alpha()) {
            KZ_TRY(resample_alpha_.run(in.a, upscaled_.a, ResampleFilter::bicubic, 1.0f, pool_));
        }
        return {};
    }

    Result<void> prepare(int w, int h, const PreviewParams& params, bool enhance, bool temporal) {
        ring_floats_ = 9 * padded(w);
        // Every region starts on a 64-byte line (the scratch is aligned below), so that row loads
        // of the kernels do not straddle lines.
        enhance_floats_ = lines(enhance_detail::row_scratch_floats(w));
        temporal_floats_ = lines(temporal_detail::band_scratch_floats(w));
        // Upscaled rows of the fused x2 step: a 4-row ring and the step's row scratch.
        up_floats_ = fused_upscale_ ? 12 * padded(w) +
                                          padded(static_cast<int>(upscale_.row2x_scratch_floats()))
                                    : 0;
        const size_t per_band = ring_floats_ + enhance_floats_ + temporal_floats_ + up_floats_;
        if (scratch_floats_ < per_band * static_cast<size_t>(pool_.size())) {
            // + 16 floats: room to start at a 64-byte line.
            scratch_.reset(
                new (std::nothrow) float[per_band * static_cast<size_t>(pool_.size()) + 16]);
            if (!scratch_) return make_error(Errc::out_of_memory, "preview: cannot allocate rows");
            scratch_floats_ = per_band * static_cast<size_t>(pool_.size());
            const auto addr = reinterpret_cast<uintptr_t>(scratch_.get());
            scratch_base_ = scratch_.get() + (64 - addr % 64) % 64 / sizeof(float);
            // Row padding past the frame width is read (whole vectors) but never used; zeroed
            // so that it holds no stale bits.
            std::fill_n(scratch_.get(), scratch_floats_ + 16, 0.0f);
        }
        if (temporal) {
            // Two history frames: the pass reads one while it writes the other (a band reads
            // history rows of its neighbours at its edges).
            KZ_TRY(history_[0].ensure(w, h));
            KZ_TRY(history_[1].ensure(w, h));
            if (luma_sums_.size() != static_cast<size_t>(h)) luma_sums_.assign(h, 0.0f);
        }
        const bool use_cls = enhance && params.enhance.line_darken > 0.0f && features_.cls;
        if (use_cls && (cls_x_width_ != w || cls_x_fw_ != features_.width())) {
            cls_x_.reset(new (std::nothrow) int[w]);
            if (!cls_x_) return make_error(Errc::out_of_memory, "preview: cannot allocate index");
            for (int x = 0; x < w; ++x) {
                cls_x_[x] = static_cast<int>(int64_t{x} * features_.width() / w);
            }
            cls_x_width_ = w;
            cls_x_fw_ = features_.width();
        }
        return {};
    }

    void run_pass(const PreviewParams& params, ImageView out, bool enhance, bool linear,
                  bool temporal, bool reset) {
        const int w = out_w_, h = out_h_;
        const bool use_cls = enhance && params.enhance.line_darken > 0.0f && features_.cls;
        const int fh = features_.height();
        const size_t per_band = ring_floats_ + enhance_floats_ + temporal_floats_ + up_floats_;
        const bool fused_up = fused_upscale_;
        const bool alpha = !fused_up && upscaled_.has_alpha();
        const PlanarFrame& up = upscaled_;
        const HalfFrame& prev = history_[cur_];
        HalfFrame& next = history_[cur_ ^ 1];
        // Bands of rows, handed out by the pool in shrinking sizes (each one recomputes a few
        // rows at its edges, hence the grain); the scratch is the running thread's.
        pool_.parallel_for(
            h,
            [&](int y0, int y1) {
                float* base = scratch_base_ + per_band * static_cast<size_t>(pool_.thread_index());
                float* ring = base;
                float* escratch = base + ring_floats_;
                float* tscratch = escratch + enhance_floats_;
                float* uring = tscratch + temporal_floats_;
                UpscaleCpu::Row2xScratch uscratch;
                uscratch.floats = uring + 12 * padded(w);
                const float* e_rows[3];
                const uint16_t* h_rows[3];
                uint16_t* o_rows[3];
                // Upscaled row y (3 pointers), from the frame or, fused, computed into a 4-row
                // ring (rows are asked for in increasing order, at most 3 apart).
                const float* u_rows[4][3] = {};
                int u_tag[4] = {-1, -1, -1, -1};
                auto up_rows = [&](int y) -> const float* const* {
                    const int slot = y & 3;
                    if (u_tag[slot] != y) {
                        if (fused_up) {
                            float* dst[3];
                            for (int c = 0; c < 3; ++c) {
                                dst[c] = uring + (3 * slot + c) * padded(w);
                                u_rows[slot][c] = dst[c];
                            }
                            upscale_.row2x(y, dst, uscratch);
                        } else {
                            u_rows[slot][0] = up.r.row(y);
                            u_rows[slot][1] = up.g.row(y);
                            u_rows[slot][2] = up.b.row(y);
                        }
                        u_tag[slot] = y;
                    }
                    return u_rows[slot];
                };
                auto source = [&](int y, int slot) -> const float* const* {
                    if (!enhance) {
                        const float* const* u = up_rows(y);
                        e_rows[0] = u[0], e_rows[1] = u[1], e_rows[2] = u[2];
                        return e_rows;
                    }
                    const int yu = std::max(y - 1, 0), yd = std::min(y + 1, h - 1);
                    enhance_detail::RowArgs args;
                    const float* const* ru = up_rows(yu);
                    const float* const* rm = up_rows(y);
                    const float* const* rd = up_rows(yd);
                    for (int c = 0; c < 3; ++c) {
                        args.up[c] = ru[c];
                        args.mid[c] = rm[c];
                        args.down[c] = rd[c];
                    }
                    args.width = w;
                    if (use_cls) {
                        args.cls = features_.cls_row(static_cast<int>(int64_t{y} * fh / h));
                        args.cls_x = cls_x_.get();
                    }
                    float* dst[3];
                    for (int c = 0; c < 3; ++c) dst[c] = ring + (3 * slot + c) * padded(w);
                    enhance_detail::enhance_row(args, params.enhance, linear, escratch, dst);
                    for (int c = 0; c < 3; ++c) e_rows[c] = dst[c];
                    return e_rows;
                };
                auto pack = [&](int y, const float* const* rows) {
                    pack_detail::pack_row(rows, alpha ? up.a.row(y) : nullptr, w, linear,
                                          out.format, out.row(y));
                };
                if (!temporal) {
                    for (int y = y0; y < y1; ++y) pack(y, source(y, y % 3));
                    return;
                }
                auto prev_rows = [&](int y) -> const uint16_t* const* {
                    h_rows[0] = prev.r.row(y), h_rows[1] = prev.g.row(y);
                    h_rows[2] = prev.b.row(y);
                    return h_rows;
                };
                auto next_rows = [&](int y) -> uint16_t* const* {
                    o_rows[0] = next.r.row(y), o_rows[1] = next.g.row(y);
                    o_rows[2] = next.b.row(y);
                    return o_rows;
                };
                if (reset) {
                    // out = E, the history E rounded to fp16.
                    for (int y = y0; y < y1; ++y) {
                        const float* const* e = source(y, y % 3);
                        uint16_t* const* n = next_rows(y);
                        for (int c = 0; c < 3; ++c) temporal_detail::round_row(e[c], w, n[c]);
                        pack(y, e);
                    }
                    return;
                }
                // Stage 5 as temporal_detail::run_band does it, with the blend and the packing
                // of each row in one kernel (the new history goes out with streaming stores).
                const temporal_detail::BandRows rows = temporal_detail::band_rows(tscratch, w);
                const float* erow[3][3] = {};
                int ready = std::max(y0 - 1, 0);
                for (int y = y0; y < y1; ++y) {
                    for (; ready <= std::min(y + 1, h - 1); ++ready) {
                        const int slot = ready % 3;
                        const float* const* e = source(ready, slot);
                        for (int c = 0; c < 3; ++c) erow[slot][c] = e[c];
                        // The next H row comes from memory: fetched while this row runs.
                        const int yn = std::min(ready + 1, h - 1);
                        const uint16_t* const ahead[3] = {prev.r.row(yn), prev.g.row(yn),
                                                          prev.b.row(yn)};
                        const float sum =
                            temporal_detail::diff_row(e, prev_rows(ready), w, rows.d, rows.r[slot],
                                                      yn > ready ? ahead : nullptr);
                        if (ready >= y0 && ready < y1) luma_sums_[ready] = sum;
                    }
                    const int yu = std::max(y - 1, 0), yd = std::min(y + 1, h - 1);
                    temporal_detail::blend_pack_row(rows.r[yu % 3], rows.r[y % 3], rows.r[yd % 3],
                                                    erow[y % 3], prev_rows(y), w, params.temporal,
                                                    next_rows(y), alpha ? up.a.row(y) : nullptr,
                                                    linear, out.format, out.row(y));
                }
            },
            kBandGrain);
    }

    ThreadPool pool_;
    NormalizeCpu normalize_;
    ReconstructCpu reconstruct_;
    UpscaleCpu upscale_;
    ResampleCpu resample_, resample_alpha_;
    PlanarFrame normalized_, upscaled_;
    FeatureMap features_;
    HalfFrame history_[2];
    int cur_ = 0;  // history_[cur_] is the previous output
    bool history_valid_ = false;
    std::unique_ptr<float[]> scratch_;
    float* scratch_base_ = nullptr;  // scratch_ from its first 64-byte line
    size_t scratch_floats_ = 0, ring_floats_ = 0, enhance_floats_ = 0, temporal_floats_ = 0,
           up_floats_ = 0;
    bool fused_upscale_ = false;  // this frame's x2 step runs inside the fused pass
    int out_w_ = 0, out_h_ = 0;   // size of the upscaled frame (stage 3's output)
    std::vector<float> luma_sums_;
    std::unique_ptr<int[]> cls_x_;
    int cls_x_width_ = 0, cls_x_fw_ = 0;
    StageTimings timings_;
};

}  // namespace

std::unique_ptr<PreviewBackend> make_cpu_preview(int threads) {
    return std::make_unique<CpuPreview>(threads);
}

}  // namespace kizuna::stages
