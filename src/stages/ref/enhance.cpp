// Stage 4 reference: plain C++, pixel by pixel, exactly as enhance.hpp states it.
#include "stages/ref/enhance.hpp"

#include <algorithm>
#include <cstring>

#include "stages/color.hpp"
#include "stages/enhance.hpp"

namespace kizuna::stages {

namespace {

// Sharpened value of channel plane at (x, y), per step 1 of enhance.hpp.
float sharpen_at(const Plane& plane, int x, int y, float amount) {
    const int w = plane.width(), h = plane.height();
    float sum = 0.0f, lo = plane.row(y)[x], hi = lo;
    for (int dy = -1; dy <= 1; ++dy) {
        const float* row = plane.row(std::clamp(y + dy, 0, h - 1));
        for (int dx = -1; dx <= 1; ++dx) {
            const float v = row[std::clamp(x + dx, 0, w - 1)];
            sum += v;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    const float c = plane.row(y)[x];
    const float mean = sum * (1.0f / 9.0f);
    const float a = std::clamp((hi - lo - 1.0f / 255.0f) * (255.0f / 4.0f), 0.0f, 1.0f);
    return std::clamp(c + amount * a * (c - mean), lo, hi);
}

float s_curve(float c, float contrast) {
    const float k = std::clamp(c, 0.0f, 1.0f);
    return c + contrast * (k * k * (3.0f - 2.0f * k) - k);
}

}  // namespace

Result<void> enhance_ref(const PlanarFrame& in, const FeatureMap* features, const EnhanceParams& p,
                         bool linear_input, PlanarFrame& out) {
    const int w = in.width(), h = in.height();
    KZ_TRY(out.ensure(w, h, in.has_alpha()));
    const bool use_cls = features && features->cls && p.line_darken > 0.0f;
    const int fw = use_cls ? features->width() : 0, fh = use_cls ? features->height() : 0;
    const float darken = 1.0f - enhance_line_darken_scale * p.line_darken;
    const Plane* src[3] = {&in.r, &in.g, &in.b};
    Plane* dst[3] = {&out.r, &out.g, &out.b};
    for (int y = 0; y < h; ++y) {
        const uint8_t* cls =
            use_cls ? features->cls_row(static_cast<int>(int64_t{y} * fh / h)) : nullptr;
        for (int x = 0; x < w; ++x) {
            float c[3];
            for (int ch = 0; ch < 3; ++ch) {
                c[ch] =
                    p.sharpen > 0.0f ? sharpen_at(*src[ch], x, y, p.sharpen) : src[ch]->row(y)[x];
            }
            if (cls && cls[int64_t{x} * fw / w] == static_cast<uint8_t>(PixelClass::line_art)) {
                for (float& v : c) v *= darken;
            }
            if (p.contrast > 0.0f) {
                for (float& v : c) v = s_curve(v, p.contrast);
            }
            if (p.saturation != 1.0f) {
                for (float& v : c) {
                    v = std::clamp(v, 0.0f, 1.0f);
                    if (!linear_input) v = color::srgb_to_linear(v);
                }
                color::scale_chroma_linear(c[0], c[1], c[2], p.saturation);
                if (!linear_input) {
                    for (float& v : c) v = color::linear_to_srgb(v);
                }
            }
            for (int ch = 0; ch < 3; ++ch) dst[ch]->row(y)[x] = c[ch];
        }
    }
    if (in.has_alpha()) {
        for (int y = 0; y < h; ++y) {
            std::memcpy(out.a.row(y), in.a.row(y), sizeof(float) * static_cast<size_t>(w));
        }
    }
    return {};
}

}  // namespace kizuna::stages
