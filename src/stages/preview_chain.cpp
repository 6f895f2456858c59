// What the preview chains share (preview_chain.hpp).
#include "stages/preview_chain.hpp"

#include <fmt/format.h>

#include "stages/enhance.hpp"
#include "stages/hybrid.hpp"

namespace kizuna::stages {

Result<void> check_preview_io(ConstImageView in, ImageView out, const PreviewParams& params) {
    if (in.empty() || !in.data) {
        return make_error(Errc::invalid_argument, "preview: the input image is empty");
    }
    return check_preview_out(out, params);
}

Result<void> check_preview_out(ImageView out, const PreviewParams& params) {
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

bool chain_enhances(const PreviewParams& params) noexcept {
    return params.enhance_enabled && !enhance_is_identity(params.enhance);
}

Result<void> HybridState::take(ConstTensorView ai, float strength, ImageView out,
                               const PreviewParams& params) {
    KZ_TRY(check_preview_out(out, params));
    if (ai.data) KZ_TRY(check_ai_picture(ai));
    return take(strength, params);
}

Result<void> HybridState::take(float strength, const PreviewParams& params) {
    KZ_TRY(check_ai_strength(strength));
    if (!pending_) {
        return make_error(Errc::invalid_argument,
                          "hybrid_finish: no hybrid_begin for this frame (each hybrid_begin "
                          "allows one hybrid_finish; process() in between cancels it)");
    }
    if (chain_is_linear(params) != linear_) {
        return make_error(Errc::invalid_argument,
                          "hybrid_finish: params change linear light since hybrid_begin");
    }
    pending_ = false;
    return {};
}

}  // namespace kizuna::stages
