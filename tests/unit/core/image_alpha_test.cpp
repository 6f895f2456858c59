#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/half.hpp"
#include "kizuna/image.hpp"

namespace kizuna {
namespace {

Image opaque(PixelFormat f) {
    auto img = Image::create(5, 3, f);
    EXPECT_TRUE(img);
    for (int y = 0; y < 3; ++y) {
        for (int x = 0; x < 5; ++x) {
            std::byte* p = img->view().row(y) + x * bytes_per_pixel(f);
            if (f == PixelFormat::rgba8) {
                const uint8_t v[4] = {1, 2, 3, 255};
                std::memcpy(p, v, 4);
            } else if (f == PixelFormat::rgba16f) {
                const uint16_t one = float_to_half(1.0f);
                const uint16_t v[4] = {0, 0, 0, one};
                std::memcpy(p, v, 8);
            } else {
                const float v[4] = {0.f, 0.f, 0.f, 1.f};
                std::memcpy(p, v, 16);
            }
        }
    }
    return std::move(*img);
}

TEST(HasTransparency, FindsOnePixelBelowOpaqueInEveryFormat) {
    for (PixelFormat f : {PixelFormat::rgba8, PixelFormat::rgba16f, PixelFormat::rgba32f}) {
        Image img = opaque(f);
        EXPECT_FALSE(has_transparency(img.view())) << pixel_format_name(f);
        std::byte* last = img.view().row(2) + 4 * bytes_per_pixel(f);
        if (f == PixelFormat::rgba8) {
            last[3] = std::byte{254};
        } else if (f == PixelFormat::rgba16f) {
            const uint16_t h = float_to_half(0.99f);
            std::memcpy(last + 6, &h, 2);
        } else {
            const float a = std::nanf("");
            std::memcpy(last + 12, &a, 4);
        }
        EXPECT_TRUE(has_transparency(img.view())) << pixel_format_name(f);
    }
    EXPECT_FALSE(has_transparency(ConstImageView{}));
}

TEST(HasTransparency, AlphaThatRoundsToOpaqueAt16BitsIsOpaque) {
    Image img = opaque(PixelFormat::rgba32f);
    float* p = img.view().row_as<float>(0);
    p[3] = 1.0f - 0.4f / 65535.0f;
    EXPECT_FALSE(has_transparency(img.view()));
    p[3] = 1.0f - 0.6f / 65535.0f;
    EXPECT_TRUE(has_transparency(img.view()));
}

}  // namespace
}  // namespace kizuna
