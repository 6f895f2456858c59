// The reference preview chain: the five reference stages in order, then packing. Every stage
// writes a whole frame; it is slow and simple on purpose (the oracle for the other chains). The
// hybrid entry points run the same stages 1-2 (front) and 4-5 + packing (back); only stage 3
// differs (hybrid_upscale_ref).
#include <chrono>

#include "stages/host_preview.hpp"
#include "stages/hybrid.hpp"
#include "stages/preview_chain.hpp"
#include "stages/reconstruct.hpp"
#include "stages/ref/enhance.hpp"
#include "stages/ref/hybrid.hpp"
#include "stages/ref/normalize.hpp"
#include "stages/ref/pack.hpp"
#include "stages/ref/reconstruct.hpp"
#include "stages/ref/temporal.hpp"
#include "stages/ref/upscale.hpp"

namespace kizuna::stages {

namespace {

using Clock = std::chrono::steady_clock;

class ReferencePreview final : public HostPreview {
public:
    void reset_history() override { history_.reset(); }
    std::string_view name() const override { return "reference"; }

private:
    Result<void> normalize(ConstImageView in, const NormalizeParams& p) override {
        return normalize_ref(in, p, normalized_);
    }
    Result<void> normalize_yuv(const YuvView& in, const NormalizeParams& p) override {
        return normalize_yuv_ref(in, p, normalized_);
    }
    Result<void> reconstruct(const ReconstructParams& p) override {
        return reconstruct_ref(normalized_, p, features_);
    }

    Result<void> write_model_input(TensorView model_input, const PreviewParams& params) override {
        const auto t0 = Clock::now();
        KZ_TRY(model_input_ref(normalized_, chain_is_linear(params), model_input));
        timings_.model_input_ms = ms_since(t0);
        return {};
    }

    // Stage 3 (the preview's, or the hybrid one when ai takes part), stages 4-5 and packing.
    Result<void> back(ConstTensorView ai, float strength, ImageView out,
                      const PreviewParams& params) override {
        auto t0 = Clock::now();
        KZ_TRY(hybrid_upscale_ref(normalized_, features_, ai, strength, params, upscaled_));
        (hybrid_uses_ai(ai, strength) ? timings_.ai_blend_ms : timings_.upscale_ms) = ms_since(t0);

        const bool linear = chain_is_linear(params);
        const PlanarFrame* cur = &upscaled_;
        if (chain_enhances(params)) {
            t0 = Clock::now();
            KZ_TRY(enhance_ref(*cur, &features_, params.enhance, linear, enhanced_));
            cur = &enhanced_;
            timings_.enhance_ms = ms_since(t0);
        }
        if (params.temporal_enabled) {
            t0 = Clock::now();
            auto reset = temporal_ref(*cur, params.temporal, history_, stabilized_);
            if (!reset) return std::move(reset).error();
            cur = &stabilized_;
            timings_.temporal_ms = ms_since(t0);
        } else {
            history_.reset();
        }
        return pack_ref(*cur, linear, out);
    }

    PlanarFrame upscaled_, enhanced_, stabilized_;
    TemporalHistory history_;
};

}  // namespace

std::unique_ptr<PreviewBackend> make_reference_preview() {
    return std::make_unique<ReferencePreview>();
}

}  // namespace kizuna::stages
