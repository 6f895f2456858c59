// The PreviewBackend entry points of a chain that runs on the host in two halves (the reference
// and the fast CPU chain): the argument checks, the hybrid bookkeeping and the order of stages
// 1-2 are written here once, and each chain supplies its stage 1 and 2 kernels and its back half.
#pragma once

#include "stages/planar.hpp"
#include "stages/preview_backend.hpp"
#include "stages/preview_chain.hpp"

namespace kizuna::stages {

class HostPreview : public PreviewBackend {
public:
    Result<void> process(ConstImageView in, ImageView out, const PreviewParams& params) final;
    Result<void> process_yuv(const YuvView& in, ImageView out, const PreviewParams& params) final;
    Result<void> hybrid_begin(ConstImageView in, TensorView model_input,
                              const PreviewParams& params) final;
    Result<void> hybrid_begin_yuv(const YuvView& in, TensorView model_input,
                                  const PreviewParams& params) final;
    Result<void> hybrid_finish(ConstTensorView ai, float strength, ImageView out,
                               const PreviewParams& params) final;
    StageTimings last_timings() const final { return timings_; }

protected:
    // Stage 1 of one frame into normalized_, from RGBA or from Y'CbCr.
    virtual Result<void> normalize(ConstImageView in, const NormalizeParams& p) = 0;
    virtual Result<void> normalize_yuv(const YuvView& in, const NormalizeParams& p) = 0;
    // Stage 2 (enabled) of normalized_ into features_.
    virtual Result<void> reconstruct(const ReconstructParams& p) = 0;
    // The model's input (hybrid.hpp) from the frame front() kept; its size is checked.
    virtual Result<void> write_model_input(TensorView model_input, const PreviewParams& params) = 0;
    // Stage 3 (the hybrid one when `ai` has data), stages 4-5 and packing into `out`.
    virtual Result<void> back(ConstTensorView ai, float strength, ImageView out,
                              const PreviewParams& params) = 0;

    // The frame's timings: cleared before front(); each half adds its stages.
    StageTimings timings_;
    // What front() keeps of the frame for back() and write_model_input(): stage 1's output and
    // stage 2's features.
    PlanarFrame normalized_;
    FeatureMap features_;

private:
    // Stages 1-2 of one frame, from exactly one of `rgba` and `yuv`, timed.
    Result<void> front(const ConstImageView* rgba, const YuvView* yuv, const PreviewParams& params);
    Result<void> begin(const ConstImageView* rgba, const YuvView* yuv, int width, int height,
                       TensorView model_input, const PreviewParams& params);

    HybridState hybrid_;
};

}  // namespace kizuna::stages
