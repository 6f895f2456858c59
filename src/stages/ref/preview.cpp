// The reference preview chain: the five reference stages in order, then packing. Every stage
// writes a whole frame; it is slow and simple on purpose (the oracle for the other chains).
#include <chrono>

#include "stages/preview_backend.hpp"
#include "stages/preview_chain.hpp"
#include "stages/reconstruct.hpp"
#include "stages/ref/enhance.hpp"
#include "stages/ref/normalize.hpp"
#include "stages/ref/pack.hpp"
#include "stages/ref/reconstruct.hpp"
#include "stages/ref/temporal.hpp"
#include "stages/ref/upscale.hpp"

namespace kizuna::stages {

namespace {

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
        if (chain_enhances(params)) {
            t0 = std::chrono::steady_clock::now();
            KZ_TRY(enhance_ref(*cur, &features_, params.enhance, linear, enhanced_));
            cur = &enhanced_;
            timings_.enhance_ms = ms_since(t0);
        }
        if (params.temporal_enabled) {
            t0 = std::chrono::steady_clock::now();
            auto reset = temporal_ref(*cur, params.temporal, history_, stabilized_);
            if (!reset) return std::move(reset).error();
            cur = &stabilized_;
            timings_.temporal_ms = ms_since(t0);
        } else {
            history_.reset();
        }
        return pack_ref(*cur, linear, out);
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

std::unique_ptr<PreviewBackend> make_reference_preview() {
    return std::make_unique<ReferencePreview>();
}

}  // namespace kizuna::stages
