// The fast CPU preview chain: stages 1-3 as whole-frame passes of the fast stages
// (NormalizeCpu, ReconstructCpu, UpscaleCpu), then stages 4, 5 and output packing fused into
// ONE pass over rows (preview_pass.hpp), which also computes the rows of stage 3 when it is a
// single x2 step without alpha. The history is kept as fp16 (temporal.hpp), half the bytes of a
// float frame. All buffers are kept between frames: no allocation in steady state. The result is
// identical for any thread count.
#include <chrono>
#include <vector>

#include "stages/cpu/enhance.hpp"
#include "stages/cpu/half_planar.hpp"
#include "stages/cpu/normalize.hpp"
#include "stages/cpu/preview_pass.hpp"
#include "stages/cpu/reconstruct.hpp"
#include "stages/cpu/resample.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/cpu/upscale.hpp"
#include "stages/preview_backend.hpp"
#include "stages/preview_chain.hpp"
#include "stages/reconstruct.hpp"
#include "stages/temporal.hpp"

namespace kizuna::stages {

namespace {

using Clock = std::chrono::steady_clock;
using preview_detail::FusedPass;

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
    // Stages 4, 5 and packing: the fused pass, run twice on the rare frame found to be a scene
    // cut (the blend first, since the cut needs the whole frame's statistic, then a reset).
    Result<void> finish(const PreviewParams& params, ImageView out) {
        const int w = out_w_, h = out_h_;
        const bool temporal = params.temporal_enabled;
        KZ_TRY(prepare(params));
        FusedPass pass = fused_pass(params, out);
        bool reset = true;
        if (temporal) {
            reset = !history_valid_ || history_[cur_].width() != w || history_[cur_].height() != h;
            if (!reset) {
                pass.reset = false;
                pass.run(pool_);
                double sum = 0.0;
                for (float s : luma_sums_) sum += s;
                reset = temporal_scene_cut(sum, w, h, params.temporal);
            }
        } else {
            history_valid_ = false;
        }
        if (reset) {
            pass.reset = true;
            pass.run(pool_);
        }
        if (temporal) {
            cur_ ^= 1;
            history_valid_ = true;
        }
        return {};
    }

    // The fast twin of plain_resample_ref (ref/upscale.hpp).
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

    // Whether stage 4 reads the class map (line darkening on, a map present).
    bool uses_classes(const PreviewParams& params) const noexcept {
        return chain_enhances(params) && params.enhance.line_darken > 0.0f && features_.cls;
    }

    // Sizes what the fused pass uses for this frame (allocating only on size changes).
    Result<void> prepare(const PreviewParams& params) {
        const int w = out_w_, h = out_h_;
        KZ_TRY(
            scratch_.ensure(w, fused_upscale_ ? upscale_.row2x_scratch_floats() : 0, pool_.size()));
        if (params.temporal_enabled) {
            // Two history frames: the pass reads one while it writes the other (a band reads
            // history rows of its neighbours at its edges).
            KZ_TRY(history_[0].ensure(w, h));
            KZ_TRY(history_[1].ensure(w, h));
            if (luma_sums_.size() != static_cast<size_t>(h)) luma_sums_.assign(h, 0.0f);
        }
        if (uses_classes(params)) KZ_TRY(cls_x_.ensure(w, features_.width()));
        return {};
    }

    FusedPass fused_pass(const PreviewParams& params, ImageView out) {
        FusedPass f;
        f.width = out_w_;
        f.height = out_h_;
        if (fused_upscale_) {
            f.row2x = &upscale_;
        } else {
            f.upscaled = &upscaled_;
            if (upscaled_.has_alpha()) f.alpha = &upscaled_.a;
        }
        if (chain_enhances(params)) f.enhance = &params.enhance;
        if (uses_classes(params)) {
            f.classes = &features_;
            f.cls_x = cls_x_.data();
        }
        if (params.temporal_enabled) {
            f.temporal = &params.temporal;
            f.history = &history_[cur_];
            f.next_history = &history_[cur_ ^ 1];
            f.luma_sums = luma_sums_.data();
        }
        f.linear = chain_is_linear(params);
        f.out = out;
        f.scratch = &scratch_;
        return f;
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
    preview_detail::PassScratch scratch_;
    bool fused_upscale_ = false;  // this frame's x2 step runs inside the fused pass
    int out_w_ = 0, out_h_ = 0;   // size of the upscaled frame (stage 3's output)
    std::vector<float> luma_sums_;
    ClassColumns cls_x_;
    StageTimings timings_;
};

}  // namespace

std::unique_ptr<PreviewBackend> make_cpu_preview(int threads) {
    return std::make_unique<CpuPreview>(threads);
}

}  // namespace kizuna::stages
