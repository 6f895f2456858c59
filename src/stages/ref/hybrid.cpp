// The hybrid chain's new steps, reference: plain C++, value by value, exactly as hybrid.hpp
// states them.
#include "stages/ref/hybrid.hpp"

#include <algorithm>

#include "stages/color.hpp"
#include "stages/hybrid.hpp"
#include "stages/preview_chain.hpp"
#include "stages/ref/resample.hpp"
#include "stages/ref/upscale.hpp"

namespace kizuna::stages {

Result<void> model_input_ref(const PlanarFrame& normalized, bool linear, TensorView out) {
    const int w = normalized.width(), h = normalized.height();
    KZ_TRY(check_model_input(out, w, h));
    const Plane* src[3] = {&normalized.r, &normalized.g, &normalized.b};
    for (int c = 0; c < 3; ++c) {
        for (int y = 0; y < h; ++y) {
            const float* s = src[c]->row(y);
            float* d = out.row(c, y);
            for (int x = 0; x < w; ++x) {
                float v = color::sanitize(s[x]);
                if (linear) v = color::sanitize(color::linear_to_srgb(v));
                d[x] = v;
            }
        }
    }
    return {};
}

Result<void> ai_picture_ref(ConstTensorView ai, int out_width, int out_height, float anti_ringing,
                            bool linear, PlanarFrame& out) {
    KZ_TRY(check_ai_picture(ai));
    KZ_TRY(out.ensure(out_width, out_height, false));
    const bool resample = ai.width != out_width || ai.height != out_height;
    Plane a0;
    if (resample) KZ_TRY(a0.ensure(ai.width, ai.height));
    Plane* dst[3] = {&out.r, &out.g, &out.b};
    for (int c = 0; c < 3; ++c) {
        Plane& first = resample ? a0 : *dst[c];
        for (int y = 0; y < ai.height; ++y) {
            const float* s = ai.row(c, y);
            float* d = first.row(y);
            for (int x = 0; x < ai.width; ++x) d[x] = color::sanitize(s[x]);
        }
        if (resample) resample_plane_ref(a0, *dst[c], ResampleFilter::lanczos3, anti_ringing);
        for (int y = 0; y < out_height; ++y) {
            float* d = dst[c]->row(y);
            for (int x = 0; x < out_width; ++x) {
                const float v = color::sanitize(d[x]);
                d[x] = linear ? color::srgb_to_linear(v) : v;
            }
        }
    }
    return {};
}

void upscale_alpha_ref(const PlanarFrame& in, bool enabled, PlanarFrame& out) {
    resample_plane_ref(in.a, out.a, ResampleFilter::bicubic, 1.0f);
    if (!enabled) return;
    for (int y = 0; y < out.a.height(); ++y) {
        float* row = out.a.row(y);
        for (int x = 0; x < out.a.width(); ++x) row[x] = std::clamp(row[x], 0.0f, 1.0f);
    }
}

Result<void> hybrid_upscale_ref(const PlanarFrame& normalized, const FeatureMap& features,
                                ConstTensorView ai, float strength, const PreviewParams& params,
                                PlanarFrame& out) {
    const bool use_ai = hybrid_uses_ai(ai, strength);
    if (!use_ai || strength < 1.0f) {
        if (params.upscale_enabled) {
            KZ_TRY(upscale_ref(normalized, features, params.upscale, out));
        } else {
            KZ_TRY(plain_resample_ref(normalized, params.upscale, out));
        }
        if (!use_ai) return {};
    }
    const int ow = params.upscale.out_width, oh = params.upscale.out_height;
    PlanarFrame picture;
    KZ_TRY(
        ai_picture_ref(ai, ow, oh, params.upscale.anti_ringing, chain_is_linear(params), picture));
    if (strength >= 1.0f) {
        KZ_TRY(out.ensure(ow, oh, normalized.has_alpha()));
        if (normalized.has_alpha()) {
            upscale_alpha_ref(normalized, params.upscale_enabled, out);
        }
    }
    const float s = strength, t = 1.0f - strength;
    Plane* dst[3] = {&out.r, &out.g, &out.b};
    const Plane* src[3] = {&picture.r, &picture.g, &picture.b};
    for (int c = 0; c < 3; ++c) {
        for (int y = 0; y < oh; ++y) {
            const float* a = src[c]->row(y);
            float* d = dst[c]->row(y);
            for (int x = 0; x < ow; ++x) {
                if (strength >= 1.0f) {
                    d[x] = a[x];
                } else {
                    const float ai_part = s * a[x];
                    const float shader_part = t * d[x];
                    d[x] = ai_part + shader_part;
                }
            }
        }
    }
    return {};
}

}  // namespace kizuna::stages
