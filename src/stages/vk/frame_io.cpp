#include "stages/vk/frame_io.hpp"

#include <bit>
#include <cstring>

#include "core/half.hpp"

namespace kizuna::stages::vk {

void frame_to_words(const PlanarFrame& in, gpu::StoragePrecision precision,
                    std::vector<uint32_t>& words) {
    const int w = in.width(), h = in.height();
    const size_t n = static_cast<size_t>(w) * h;
    const bool f16 = precision == gpu::StoragePrecision::f16;
    words.assign(f16 ? 2 * n : 4 * n, 0u);
    const Plane* planes[4] = {&in.r, &in.g, &in.b, in.has_alpha() ? &in.a : nullptr};
    for (int c = 0; c < 4; ++c) {
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                const float v = planes[c] ? planes[c]->row(y)[x] : 1.0f;
                const size_t i = c * n + static_cast<size_t>(y) * w + x;
                if (f16) {
                    words[i / 2] |= static_cast<uint32_t>(float_to_half(v)) << (16 * (i % 2));
                } else {
                    words[i] = std::bit_cast<uint32_t>(v);
                }
            }
        }
    }
}

Result<void> words_to_frame(const void* words, int width, int height,
                            gpu::StoragePrecision precision, PlanarFrame& out) {
    KZ_TRY(out.ensure(width, height, true));
    const size_t n = static_cast<size_t>(width) * height;
    Plane* planes[4] = {&out.r, &out.g, &out.b, &out.a};
    for (int c = 0; c < 4; ++c) {
        for (int y = 0; y < height; ++y) {
            float* row = planes[c]->row(y);
            const size_t base = c * n + static_cast<size_t>(y) * width;
            if (precision == gpu::StoragePrecision::f16) {
                const auto* h = static_cast<const uint16_t*>(words) + base;
                for (int x = 0; x < width; ++x) row[x] = half_to_float(h[x]);
            } else {
                std::memcpy(row, static_cast<const float*>(words) + base, width * sizeof(float));
            }
        }
    }
    return {};
}

void features_to_words(const FeatureMap& in, std::vector<uint32_t>& planes,
                       std::vector<uint32_t>& cls) {
    const int w = in.width(), h = in.height();
    const size_t n = static_cast<size_t>(w) * h;
    planes.assign(4 * n, 0u);
    cls.assign(n, 0u);
    const Plane* src[3] = {&in.gx, &in.gy, &in.magnitude};
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const size_t i = static_cast<size_t>(y) * w + x;
            for (int c = 0; c < 3; ++c)
                planes[c * n + i] = std::bit_cast<uint32_t>(src[c]->row(y)[x]);
            cls[i] = in.cls_row(y)[x];
        }
    }
}

Result<void> words_to_features(const void* planes, const void* cls, int width, int height,
                               FeatureMap& out) {
    KZ_TRY(out.ensure(width, height));
    const size_t n = static_cast<size_t>(width) * height;
    const auto* p = static_cast<const float*>(planes);
    const auto* k = static_cast<const uint32_t*>(cls);
    Plane* dst[3] = {&out.gx, &out.gy, &out.magnitude};
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const size_t i = static_cast<size_t>(y) * width + x;
            for (int c = 0; c < 3; ++c) dst[c]->row(y)[x] = p[c * n + i];
            out.cls_row(y)[x] = static_cast<uint8_t>(k[i]);
        }
    }
    return {};
}

}  // namespace kizuna::stages::vk
