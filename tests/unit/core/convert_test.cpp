// Round trips between textures and tensors: what the export path relies on to not change a
// single pixel when no model runs.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "core/half.hpp"
#include "kizuna/convert.hpp"

namespace kizuna {
namespace {

struct Size {
    int w, h;
};
const Size kSizes[] = {{1, 1}, {2, 3}, {67, 43}, {17, 1}, {1, 19}, {130, 7}};

Image make_image(int w, int h, PixelFormat f) {
    auto r = Image::create(w, h, f);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return std::move(r).value();
}

// Fills RGBA8 with random bytes, forcing the corners to 0 and 255 so both extremes are covered.
void fill_rgba8(Image& img, uint32_t seed) {
    std::mt19937 rng(seed);
    for (int y = 0; y < img.height(); ++y) {
        auto* p = img.view().row_as<uint8_t>(y);
        for (int x = 0; x < img.width() * 4; ++x) p[x] = static_cast<uint8_t>(rng());
    }
    auto* first = img.view().row_as<uint8_t>(0);
    std::memset(first, 0, 4);
    auto* last = img.view().row_as<uint8_t>(img.height() - 1) + (img.width() - 1) * 4;
    std::memset(last, 255, 4);
}

// Fills RGBA16F with random half values in [0, 1] (every representable one is reachable),
// plus exact 0 and 1.
void fill_rgba16f(Image& img, uint32_t seed) {
    std::mt19937 rng(seed);
    for (int y = 0; y < img.height(); ++y) {
        auto* p = img.view().row_as<uint16_t>(y);
        for (int x = 0; x < img.width() * 4; ++x) {
            uint16_t h = static_cast<uint16_t>(rng() % 0x3c01);  // 0 .. 0x3c00 (= 1.0)
            p[x] = h;
        }
    }
    img.view().row_as<uint16_t>(0)[0] = 0x0000;
    img.view().row_as<uint16_t>(0)[1] = 0x3c00;
}

bool rows_equal(const Image& a, const Image& b) {
    const size_t n = static_cast<size_t>(a.width()) * bytes_per_pixel(a.format());
    for (int y = 0; y < a.height(); ++y) {
        if (std::memcmp(a.view().row(y), b.view().row(y), n) != 0) return false;
    }
    return true;
}

// Every size of kSizes, filled by `fill` with seed `seed_base` + w * 31 + h, goes to planar fp32
// (alpha aside) and back bit-exactly.
void expect_round_trip_bit_exact(PixelFormat format, uint32_t seed_base,
                                 void (*fill)(Image&, uint32_t)) {
    for (auto [w, h] : kSizes) {
        const uint32_t seed = seed_base + w * 31u + h;
        Image src = make_image(w, h, format);
        fill(src, seed);
        Tensor t = Tensor::create(3, h, w).value();
        std::vector<float> alpha(static_cast<size_t>(w) * h);
        ASSERT_TRUE(image_to_tensor(src.view(), t.view(), alpha.data()).ok());
        Image back = make_image(w, h, format);
        ASSERT_TRUE(tensor_to_image(t.view(), back.view(), alpha.data()).ok());
        EXPECT_TRUE(rows_equal(src, back)) << "size " << w << "x" << h << " seed " << seed;
    }
}

TEST(Convert, Rgba8RoundTripThroughFp32IsBitExact) {
    expect_round_trip_bit_exact(PixelFormat::rgba8, 1000u, fill_rgba8);
}

TEST(Convert, Rgba16fRoundTripThroughFp32IsBitExact) {
    expect_round_trip_bit_exact(PixelFormat::rgba16f, 2000u, fill_rgba16f);
}

TEST(Convert, TensorIsPlanarRgbWithValuesInUnitRange) {
    Image src = make_image(3, 2, PixelFormat::rgba8);
    // pixel (x, y) = (x*50, y*100, 255, 128)
    for (int y = 0; y < 2; ++y) {
        auto* p = src.view().row_as<uint8_t>(y);
        for (int x = 0; x < 3; ++x) {
            p[4 * x + 0] = static_cast<uint8_t>(x * 50);
            p[4 * x + 1] = static_cast<uint8_t>(y * 100);
            p[4 * x + 2] = 255;
            p[4 * x + 3] = 128;
        }
    }
    Tensor t = Tensor::create(3, 2, 3).value();
    std::vector<float> alpha(6);
    ASSERT_TRUE(image_to_tensor(src.view(), t.view(), alpha.data()).ok());
    const float* d = t.data();
    // Plane 0 (R) row 1: 0, 50/255, 100/255.
    EXPECT_FLOAT_EQ(d[0 * 6 + 3 + 1], 50.0f / 255.0f);
    EXPECT_FLOAT_EQ(d[1 * 6 + 3 + 2], 100.0f / 255.0f);  // G plane, row 1
    EXPECT_FLOAT_EQ(d[2 * 6 + 0], 1.0f);                 // B plane
    EXPECT_FLOAT_EQ(alpha[5], 128.0f / 255.0f);
}

TEST(Convert, MissingAlphaBecomesOpaqueAndOutOfRangeIsClamped) {
    Tensor t = Tensor::create(3, 1, 4).value();
    const float vals[4] = {-0.5f, 1.5f, 0.25f, std::numeric_limits<float>::quiet_NaN()};
    for (int c = 0; c < 3; ++c) std::memcpy(t.view().row(c, 0), vals, sizeof vals);
    Image out = make_image(4, 1, PixelFormat::rgba8);
    ASSERT_TRUE(tensor_to_image(t.view(), out.view()).ok());
    const auto* p = out.view().row_as<uint8_t>(0);
    EXPECT_EQ(p[0], 0);    // -0.5 -> 0
    EXPECT_EQ(p[4], 255);  // 1.5 -> 255
    EXPECT_EQ(p[8], 64);   // 0.25 * 255 = 63.75 -> 64
    EXPECT_EQ(p[12], 0);   // NaN -> 0
    for (int x = 0; x < 4; ++x) EXPECT_EQ(p[4 * x + 3], 255) << "alpha of pixel " << x;

    Image out16 = make_image(4, 1, PixelFormat::rgba16f);
    ASSERT_TRUE(tensor_to_image(t.view(), out16.view()).ok());
    EXPECT_EQ(out16.view().row_as<uint16_t>(0)[3], 0x3c00);  // alpha = 1.0 in fp16
}

TEST(Convert, ShapeMismatchIsAnError) {
    Image img = make_image(4, 4, PixelFormat::rgba8);
    Tensor t = Tensor::create(3, 4, 5).value();
    auto r = image_to_tensor(img.view(), t.view());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_NE(r.error().message.find("4x4"), std::string::npos) << r.error().message;
}

TEST(Half, EveryHalfValueSurvivesFloatRoundTrip) {
    for (uint32_t h = 0; h < 0x10000; ++h) {
        const uint16_t back = float_to_half(half_to_float(static_cast<uint16_t>(h)));
        ASSERT_EQ(back, h) << "half bits 0x" << std::hex << h;
    }
}

TEST(Half, KnownValuesAndRounding) {
    EXPECT_EQ(half_to_float(0x3c00), 1.0f);
    EXPECT_EQ(half_to_float(0x3800), 0.5f);
    EXPECT_EQ(half_to_float(0x0001), 5.9604644775390625e-8f);  // smallest subnormal, 2^-24
    EXPECT_EQ(half_to_float(0x7bff), 65504.0f);
    EXPECT_EQ(float_to_half(65520.0f), 0x7c00);            // rounds up to infinity
    EXPECT_EQ(float_to_half(1.0f + 1.0f / 2048), 0x3c00);  // tie to even (down)
    EXPECT_EQ(float_to_half(1.0f + 3.0f / 2048), 0x3c02);  // tie to even (up)
    EXPECT_EQ(float_to_half(1e-9f), 0x0000);
}

TEST(Image, RejectsBadSizesWithTheSizeInTheMessage) {
    auto r = Image::create(0, 10, PixelFormat::rgba8);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("0x10"), std::string::npos);
    EXPECT_FALSE(Image::create(40000, 10, PixelFormat::rgba8).ok());
}

TEST(Image, RowsAreAlignedAndCloneIsDeep) {
    Image img = make_image(67, 43, PixelFormat::rgba16f);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(img.data()) % 64, 0u);
    EXPECT_EQ(img.stride() % 64, 0);
    EXPECT_GE(img.stride(), 67 * 8);
    fill_rgba16f(img, 7);
    Image copy = img.clone().value();
    EXPECT_TRUE(rows_equal(img, copy));
    copy.view().row_as<uint16_t>(5)[5] ^= 1;
    EXPECT_FALSE(rows_equal(img, copy));
}

}  // namespace
}  // namespace kizuna
