// The fast CPU preview chain: stages 1-3 as whole-frame passes of the fast stages
// (NormalizeCpu, ReconstructCpu, UpscaleCpu), then stages 4, 5 and output packing fused into
// ONE pass over rows (preview_pass.hpp), which also computes the rows of stage 3 when it is a
// single x2 step without alpha. The history is kept as fp16 (temporal.hpp), half the bytes of a
// float frame. All buffers are kept between frames: no allocation in steady state. The result is
// identical for any thread count.
//
// The hybrid chain (hybrid.hpp) runs the same stages 1-2 (front), then makes its stage 3 frame
// whole (the AI picture, sanitized, resampled and blended by hybrid_rows.hpp) into the frame the
// preview's whole-frame route uses, and runs the same fused pass over it (back).
#include <chrono>
#include <vector>

#include "stages/cpu/enhance.hpp"
#include "stages/cpu/half_planar.hpp"
#include "stages/cpu/hybrid_rows.hpp"
#include "stages/cpu/normalize.hpp"
#include "stages/cpu/preview_pass.hpp"
#include "stages/cpu/reconstruct.hpp"
#include "stages/cpu/resample.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/cpu/upscale.hpp"
#include "stages/host_preview.hpp"
#include "stages/hybrid.hpp"
#include "stages/preview_chain.hpp"
#include "stages/reconstruct.hpp"
#include "stages/temporal.hpp"

namespace kizuna::stages {

namespace {

using Clock = std::chrono::steady_clock;
using preview_detail::FusedPass;

class CpuPreview final : public HostPreview {
public:
    explicit CpuPreview(int threads) : pool_(threads) {
        // The chain reads the gradients (stage 3) and the classes (stage 4), never the
        // magnitude plane: stage 2 skips writing it.
        reconstruct_.set_store_magnitude(false);
    }

    void reset_history() override { history_valid_ = false; }
    std::string_view name() const override { return "cpu"; }

private:
    Result<void> normalize(ConstImageView in, const NormalizeParams& p) override {
        return normalize_.run(in, p, normalized_, pool_);
    }
    Result<void> normalize_yuv(const YuvView& in, const NormalizeParams& p) override {
        return normalize_.run_yuv(in, p, normalized_, pool_);
    }
    Result<void> reconstruct(const ReconstructParams& p) override {
        return reconstruct_.run(normalized_, p, features_, pool_);
    }

    // Stage 3 (the preview's, or the hybrid one when ai takes part), then the fused pass.
    Result<void> back(ConstTensorView ai, float strength, ImageView out,
                      const PreviewParams& params) override {
        if (hybrid_uses_ai(ai, strength)) {
            KZ_TRY(hybrid_upscale(ai, strength, params));
        } else {
            const auto t0 = Clock::now();
            KZ_TRY(upscale(params));
            timings_.upscale_ms = ms_since(t0);
        }
        const auto t0 = Clock::now();
        KZ_TRY(finish(params, out));
        timings_.enhance_ms = ms_since(t0);
        return {};
    }

    // The preview's stage 3.
    Result<void> upscale(const PreviewParams& params) {
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
            KZ_TRY(whole_frame_upscale(params));
        }
        return {};
    }

    // Stage 3 into upscaled_ (the route the fused pass reads as a whole frame).
    Result<void> whole_frame_upscale(const PreviewParams& params) {
        if (params.upscale_enabled) {
            KZ_TRY(upscale_.run(normalized_, features_, params.upscale, upscaled_, pool_));
        } else {
            KZ_TRY(plain_resample(params.upscale));
        }
        out_w_ = upscaled_.width();
        out_h_ = upscaled_.height();
        return {};
    }

    // fn(c, y) for every row y < height of the colour planes c = 0, 1, 2, spread over the pool.
    template <class Fn>
    void for_each_colour_row(int height, Fn&& fn) {
        pool_.parallel_for(
            3 * height,
            [&](int i0, int i1) {
                for (int i = i0; i < i1; ++i) fn(i / height, i % height);
            },
            8);
    }

    // The hybrid chain's stage 3 (hybrid.hpp) into upscaled_: the shader frame first (all of it
    // when blending, its alpha alone at strength 1), then the AI picture over its colour.
    Result<void> hybrid_upscale(ConstTensorView ai, float strength, const PreviewParams& params) {
        const int ow = params.upscale.out_width, oh = params.upscale.out_height;
        const bool blend = strength < 1.0f;
        fused_upscale_ = false;
        auto t0 = Clock::now();
        if (blend) {
            KZ_TRY(whole_frame_upscale(params));
        } else {
            KZ_TRY(upscaled_.ensure(ow, oh, normalized_.has_alpha()));
            if (normalized_.has_alpha()) {
                if (params.upscale_enabled) {
                    KZ_TRY(upscale_.run_alpha(normalized_, upscaled_.a, pool_));
                } else {
                    KZ_TRY(resample_alpha_.run(normalized_.a, upscaled_.a, ResampleFilter::bicubic,
                                               1.0f, pool_));
                }
            }
            out_w_ = ow;
            out_h_ = oh;
        }
        timings_.upscale_ms = ms_since(t0);

        // Steps 1-2: the AI picture at the output size, read from the tensor itself when it
        // already has that size; resampled straight into upscaled_ when nothing is blended.
        t0 = Clock::now();
        const bool resample = ai.width != ow || ai.height != oh;
        PlanarFrame& resampled = blend ? ai_resampled_ : upscaled_;
        if (resample) {
            KZ_TRY(ai_source_.ensure(ai.width, ai.height, false));
            if (blend) KZ_TRY(ai_resampled_.ensure(ow, oh, false));
            Plane* src[3] = {&ai_source_.r, &ai_source_.g, &ai_source_.b};
            Plane* dst[3] = {&resampled.r, &resampled.g, &resampled.b};
            for_each_colour_row(ai.height, [&](int c, int y) {
                hybrid_detail::sanitize_row(ai.row(c, y), ai.width, src[c]->row(y));
            });
            for (int c = 0; c < 3; ++c) {
                KZ_TRY(resample_ai_.run(*src[c], *dst[c], ResampleFilter::lanczos3,
                                        params.upscale.anti_ringing, pool_));
            }
        }
        timings_.ai_resample_ms = ms_since(t0);

        // Steps 3-4.
        t0 = Clock::now();
        const bool linear = chain_is_linear(params);
        Plane* planes[3] = {&upscaled_.r, &upscaled_.g, &upscaled_.b};
        const Plane* picture[3] = {&resampled.r, &resampled.g, &resampled.b};
        for_each_colour_row(oh, [&](int c, int y) {
            const float* a = resample ? picture[c]->row(y) : ai.row(c, y);
            float* row = planes[c]->row(y);
            hybrid_detail::ai_finish_row(a, blend ? row : nullptr, strength, ow, linear, row);
        });
        timings_.ai_blend_ms = ms_since(t0);
        return {};
    }

    // The model's input from the normalized frame (hybrid.hpp), then the hybrid step 1 is done.
    Result<void> write_model_input(TensorView t, const PreviewParams& params) override {
        const auto t0 = Clock::now();
        const int w = normalized_.width(), h = normalized_.height();
        const bool linear = chain_is_linear(params);
        const Plane* planes[3] = {&normalized_.r, &normalized_.g, &normalized_.b};
        for_each_colour_row(h, [&](int c, int y) {
            hybrid_detail::model_input_row(planes[c]->row(y), w, linear, t.row(c, y));
        });
        timings_.model_input_ms = ms_since(t0);
        return {};
    }

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
    ResampleCpu resample_, resample_alpha_, resample_ai_;
    PlanarFrame upscaled_;
    // The AI picture at its own size, and resampled to the output size when it is blended (at
    // strength 1 it is resampled into upscaled_ itself).
    PlanarFrame ai_source_, ai_resampled_;
    HalfFrame history_[2];
    int cur_ = 0;  // history_[cur_] is the previous output
    bool history_valid_ = false;
    preview_detail::PassScratch scratch_;
    bool fused_upscale_ = false;  // this frame's x2 step runs inside the fused pass
    int out_w_ = 0, out_h_ = 0;   // size of the upscaled frame (stage 3's output)
    std::vector<float> luma_sums_;
    ClassColumns cls_x_;
};

}  // namespace

std::unique_ptr<PreviewBackend> make_cpu_preview(int threads) {
    return std::make_unique<CpuPreview>(threads);
}

}  // namespace kizuna::stages
