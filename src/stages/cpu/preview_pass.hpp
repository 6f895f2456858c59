// The fused pass of the fast CPU preview chain (cpu/preview.cpp): stage 4, stage 5 and output
// packing in ONE pass over bands of rows. Each band reads the upscaled frame and the history once
// and writes the new history and the output once (the last two with streaming stores); enhanced
// rows live only in a 3-row ring in cache. When stage 3 is a single x2 step without alpha, its
// output rows are computed inside the pass too (UpscaleCpu::row2x, into a 4-row ring), so the
// upscaled frame is never stored. The result is identical for any thread count and band split.
#pragma once

#include <cstddef>
#include <memory>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "stages/cpu/half_planar.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/cpu/upscale.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages::preview_detail {

// The regions of one thread's scratch block, each starting on a 64-byte line.
struct PassBuffers {
    float* enhanced = nullptr;  // ring of 3 enhanced rows x R, G, B (stage 4's output E)
    float* enhance = nullptr;   // enhance_detail::enhance_row's scratch
    float* temporal = nullptr;  // temporal_detail::DiffRing's rows
    float* upscaled = nullptr;  // fused x2 only: ring of 4 upscaled rows x R, G, B
    float* row2x = nullptr;     // fused x2 only: UpscaleCpu::row2x's scratch
};

// Per-thread scratch of the pass: one block per pool thread, kept between frames. Not thread
// safe; thread(i) may be used by thread i of a parallel_for while nothing calls ensure().
class PassScratch {
public:
    // Lays the blocks out for frames `width` wide (row2x_floats: UpscaleCpu::row2x_scratch_floats()
    // when stage 3 runs inside the pass, else 0) and grows the allocation when they need more room
    // than it has (zeroed then: row padding past the frame width is read in whole vectors but
    // never used, and holds no stale bits).
    Result<void> ensure(int width, size_t row2x_floats, int threads);
    PassBuffers thread(int index) const noexcept;

private:
    std::unique_ptr<float[]> data_;
    float* base_ = nullptr;  // data_ from its first 64-byte line
    size_t capacity_ = 0;    // floats from base_
    size_t row_floats_ = 0;  // one padded row of the frame
    size_t enhanced_ = 0, enhance_ = 0, temporal_ = 0, upscaled_ = 0, row2x_ = 0;
    size_t per_thread_ = 0;
};

// One run of the pass over a whole frame. The pointers are borrowed for the call to run() and
// must stay valid and unchanged until it returns.
struct FusedPass {
    int width = 0, height = 0;  // stage 3's output size (= the output image's)
    // Stage 3's output: rows of `upscaled`, or computed by row2x (prepared by prepare_rows2x for
    // this frame) when it is not null.
    const PlanarFrame* upscaled = nullptr;
    const UpscaleCpu* row2x = nullptr;
    const Plane* alpha = nullptr;  // alpha plane of stage 3's output, or null for opaque
    // Stage 4, or null when it is skipped (chain_enhances false). classes: stage 2's map when
    // line darkening reads it (else null), with cls_x the map column of every frame column.
    const EnhanceParams* enhance = nullptr;
    const FeatureMap* classes = nullptr;
    const int* cls_x = nullptr;
    // Stage 5, or null when it is off. reset: out = E and the new history is E rounded (steps
    // 1-2 of temporal.hpp); otherwise the blend of step 3 with `history`, and luma_sums[y]
    // receives row y's sum of |Y(E) - Y(H)| (height entries) for the scene-cut decision.
    const TemporalParams* temporal = nullptr;
    bool reset = false;
    const HalfFrame* history = nullptr;
    HalfFrame* next_history = nullptr;
    float* luma_sums = nullptr;
    bool linear = false;  // the chain works in linear light: packing re-encodes sRGB
    ImageView out;        // width x height, any format
    const PassScratch* scratch = nullptr;

    // Runs the pass on pool: bands of rows, handed out in shrinking sizes, each on the running
    // thread's scratch block. Allocates nothing.
    void run(ThreadPool& pool) const;
};

}  // namespace kizuna::stages::preview_detail
