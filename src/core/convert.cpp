#include "kizuna/convert.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

#include "core/half.hpp"

namespace kizuna {
namespace {

// Widening of one stored channel value to float.
inline float load(const std::byte* px, PixelFormat format, int c) {
    switch (format) {
        case PixelFormat::rgba8:
            return static_cast<float>(static_cast<uint8_t>(px[c])) * (1.0f / 255.0f);
        case PixelFormat::rgba16f: {
            uint16_t h;
            std::memcpy(&h, px + 2 * c, 2);
            return half_to_float(h);
        }
        case PixelFormat::rgba32f: {
            float f;
            std::memcpy(&f, px + 4 * c, 4);
            return f;
        }
    }
    return 0.0f;
}

// Clamp to [0, 1]; NaN becomes 0. -0.0 stays -0.0 so float paths stay bit-exact.
inline float clamp01(float v) {
    if (!(v >= 0.0f)) return v == 0.0f ? v : 0.0f;
    return v > 1.0f ? 1.0f : v;
}

inline void store(std::byte* px, PixelFormat format, int c, float v) {
    v = clamp01(v);
    switch (format) {
        case PixelFormat::rgba8:
            px[c] = static_cast<std::byte>(static_cast<uint8_t>(std::lrint(v * 255.0f)));
            return;
        case PixelFormat::rgba16f: {
            const uint16_t h = float_to_half(v);
            std::memcpy(px + 2 * c, &h, 2);
            return;
        }
        case PixelFormat::rgba32f:
            std::memcpy(px + 4 * c, &v, 4);
            return;
    }
}

Result<void> check_shapes(int iw, int ih, const BasicTensorView<const float>& t, const char* what) {
    if (t.channels != 3 || t.width != iw || t.height != ih || !t.data) {
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: tensor {}x{}x{} does not match a {}x{} RGB image", what,
                                      t.channels, t.height, t.width, iw, ih));
    }
    return {};
}

}  // namespace

Result<void> image_to_tensor(ConstImageView src, TensorView dst, float* alpha) {
    KZ_TRY(check_shapes(src.width, src.height, dst, "image_to_tensor"));
    const size_t bpp = bytes_per_pixel(src.format);
    for (int y = 0; y < src.height; ++y) {
        const std::byte* row = src.row(y);
        float* r = dst.row(0, y);
        float* g = dst.row(1, y);
        float* b = dst.row(2, y);
        float* a = alpha ? alpha + static_cast<ptrdiff_t>(y) * src.width : nullptr;
        for (int x = 0; x < src.width; ++x) {
            const std::byte* px = row + x * bpp;
            r[x] = load(px, src.format, 0);
            g[x] = load(px, src.format, 1);
            b[x] = load(px, src.format, 2);
            if (a) a[x] = load(px, src.format, 3);
        }
    }
    return {};
}

Result<void> tensor_to_image(ConstTensorView src, ImageView dst, const float* alpha) {
    KZ_TRY(check_shapes(dst.width, dst.height, src, "tensor_to_image"));
    const size_t bpp = bytes_per_pixel(dst.format);
    for (int y = 0; y < dst.height; ++y) {
        std::byte* row = dst.row(y);
        const float* r = src.row(0, y);
        const float* g = src.row(1, y);
        const float* b = src.row(2, y);
        const float* a = alpha ? alpha + static_cast<ptrdiff_t>(y) * dst.width : nullptr;
        for (int x = 0; x < dst.width; ++x) {
            std::byte* px = row + x * bpp;
            store(px, dst.format, 0, r[x]);
            store(px, dst.format, 1, g[x]);
            store(px, dst.format, 2, b[x]);
            store(px, dst.format, 3, a ? a[x] : 1.0f);
        }
    }
    return {};
}

Result<void> convert_image(ConstImageView src, ImageView dst) {
    if (src.width != dst.width || src.height != dst.height) {
        return make_error(Errc::invalid_argument,
                          fmt::format("convert_image: size {}x{} does not match {}x{}", src.width,
                                      src.height, dst.width, dst.height));
    }
    const size_t sb = bytes_per_pixel(src.format);
    const size_t db = bytes_per_pixel(dst.format);
    for (int y = 0; y < src.height; ++y) {
        if (src.format == dst.format) {
            std::memcpy(dst.row(y), src.row(y), sb * src.width);
            continue;
        }
        for (int x = 0; x < src.width; ++x) {
            for (int c = 0; c < 4; ++c) {
                store(dst.row(y) + x * db, dst.format, c, load(src.row(y) + x * sb, src.format, c));
            }
        }
    }
    return {};
}

}  // namespace kizuna
