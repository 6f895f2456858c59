// The reference preview chain: the five reference stages in order, then packing. Every stage
// writes a whole frame; it is slow and simple on purpose (the oracle for the other chains).
#include <chrono>

#include <fmt/format.h>

#include "stages/enhance.hpp"
#include "stages/normalize.hpp"
#include "stages/pack.hpp"
#include "stages/preview_backend.hpp"
#include "stages/preview_chain.hpp"
#include "stages/reconstruct.hpp"
#include "stages/resample.hpp"
#include "stages/temporal.hpp"
#include "stages/upscale.hpp"

namespace kizuna::stages {

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

class ReferencePreview final : public PreviewBackend {
public:
    Result<void> process(ConstImageView in, ImageView out, const PreviewParams& params) override {
        KZ_TRY(check_preview_io(in, out, params));
        timings_ = {};
        auto t0 = std::chrono::steady_clock::now();
        KZ_TRY(normalize_ref(in, effective_normalize(params), normalized_));
        timings_.normalize_ms = ms_since(t0);

        t0 = std::chrono::steady_clock::now();
        if (params.reconstruct_enabled) {
            KZ_TRY(reconstruct_ref(normalized_, params.reconstruct, features_));
        } else {
            KZ_TRY(reconstruct_disabled(normalized_.width(), normalized_.height(), features_));
        }
        timings_.reconstruct_ms = ms_since(t0);

        t0 = std::chrono::steady_clock::now();
        if (params.upscale_enabled) {
            KZ_TRY(upscale_ref(normalized_, features_, params.upscale, upscaled_));
        } else {
            KZ_TRY(plain_resample_ref(normalized_, params.upscale, upscaled_));
        }
        timings_.upscale_ms = ms_since(t0);

        const bool linear = chain_is_linear(params);
        const PlanarFrame* cur = &upscaled_;
        if (params.enhance_enabled && !enhance_is_identity(params.enhance)) {
            t0 = std::chrono::steady_clock::now();
            KZ_TRY(enhance_reference(*cur, &features_, params.enhance, linear, enhanced_));
            cur = &enhanced_;
            timings_.enhance_ms = ms_since(t0);
        }
        if (params.temporal_enabled) {
            t0 = std::chrono::steady_clock::now();
            auto reset = temporal_reference(*cur, params.temporal, history_, stabilized_);
            if (!reset) return std::move(reset).error();
            cur = &stabilized_;
            timings_.temporal_ms = ms_since(t0);
        } else {
            history_.reset();
        }
        return pack_reference(*cur, linear, out);
    }

    void reset_history() override { history_.reset(); }
    std::string_view name() const override { return "reference"; }
    StageTimings last_timings() const override { return timings_; }

private:
    PlanarFrame normalized_, upscaled_, enhanced_, stabilized_;
    FeatureMap features_;
    TemporalHistory history_;
    StageTimings timings_;
};

}  // namespace

Result<void> check_preview_io(ConstImageView in, ImageView out, const PreviewParams& params) {
    if (in.empty() || !in.data) {
        return make_error(Errc::invalid_argument, "preview: the input image is empty");
    }
    if (params.upscale.out_width <= 0 || params.upscale.out_height <= 0) {
        return make_error(Errc::invalid_argument,
                          fmt::format("preview: output size {}x{} is invalid",
                                      params.upscale.out_width, params.upscale.out_height));
    }
    if (out.width != params.upscale.out_width || out.height != params.upscale.out_height ||
        !out.data) {
        return make_error(
            Errc::invalid_argument,
            fmt::format("preview: output image is {}x{}, the chain makes {}x{}", out.width,
                        out.height, params.upscale.out_width, params.upscale.out_height));
    }
    return {};
}

NormalizeParams effective_normalize(const PreviewParams& params) noexcept {
    return params.normalize_enabled ? params.normalize : NormalizeParams{};
}

bool chain_is_linear(const PreviewParams& params) noexcept {
    return params.normalize_enabled && params.normalize.linear_light;
}

Result<void> plain_resample_ref(const PlanarFrame& in, const UpscaleParams& params,
                                PlanarFrame& out) {
    KZ_TRY(out.ensure(params.out_width, params.out_height, in.has_alpha()));
    resample_plane_ref(in.r, out.r, ResampleFilter::lanczos3, params.anti_ringing);
    resample_plane_ref(in.g, out.g, ResampleFilter::lanczos3, params.anti_ringing);
    resample_plane_ref(in.b, out.b, ResampleFilter::lanczos3, params.anti_ringing);
    if (in.has_alpha()) resample_plane_ref(in.a, out.a, ResampleFilter::bicubic, 1.0f);
    return {};
}

std::unique_ptr<PreviewBackend> make_reference_preview() {
    return std::make_unique<ReferencePreview>();
}

}  // namespace kizuna::stages
