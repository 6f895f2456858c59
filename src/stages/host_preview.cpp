#include "stages/host_preview.hpp"

#include <chrono>

#include "stages/hybrid.hpp"
#include "stages/reconstruct.hpp"

namespace kizuna::stages {

Result<void> HostPreview::front(const ConstImageView* rgba, const YuvView* yuv,
                                const PreviewParams& params) {
    auto t0 = std::chrono::steady_clock::now();
    const NormalizeParams normalize_params = effective_normalize(params);
    KZ_TRY(rgba ? normalize(*rgba, normalize_params) : normalize_yuv(*yuv, normalize_params));
    timings_.normalize_ms = ms_since(t0);

    t0 = std::chrono::steady_clock::now();
    if (params.reconstruct_enabled) {
        KZ_TRY(reconstruct(params.reconstruct));
    } else {
        KZ_TRY(reconstruct_disabled(normalized_.width(), normalized_.height(), features_));
    }
    timings_.reconstruct_ms = ms_since(t0);
    return {};
}

Result<void> HostPreview::process(ConstImageView in, ImageView out, const PreviewParams& params) {
    KZ_TRY(check_preview_io(in, out, params));
    hybrid_.forget();
    timings_ = {};
    KZ_TRY(front(&in, nullptr, params));
    return back({}, 0.0f, out, params);
}

Result<void> HostPreview::process_yuv(const YuvView& in, ImageView out,
                                      const PreviewParams& params) {
    KZ_TRY(check_preview_out(out, params));
    hybrid_.forget();
    timings_ = {};
    KZ_TRY(front(nullptr, &in, params));
    return back({}, 0.0f, out, params);
}

Result<void> HostPreview::hybrid_begin(ConstImageView in, TensorView model_input,
                                       const PreviewParams& params) {
    return begin(&in, nullptr, in.width, in.height, model_input, params);
}

Result<void> HostPreview::hybrid_begin_yuv(const YuvView& in, TensorView model_input,
                                           const PreviewParams& params) {
    return begin(nullptr, &in, in.width, in.height, model_input, params);
}

Result<void> HostPreview::begin(const ConstImageView* rgba, const YuvView* yuv, int width,
                                int height, TensorView model_input, const PreviewParams& params) {
    KZ_TRY(check_model_input(model_input, width, height));
    hybrid_.forget();
    timings_ = {};
    KZ_TRY(front(rgba, yuv, params));
    KZ_TRY(write_model_input(model_input, params));
    hybrid_.begin(params);
    return {};
}

Result<void> HostPreview::hybrid_finish(ConstTensorView ai, float strength, ImageView out,
                                        const PreviewParams& params) {
    KZ_TRY(hybrid_.take(ai, strength, out, params));
    return back(ai, strength, out, params);
}

}  // namespace kizuna::stages
