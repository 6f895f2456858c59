// Output packing on Vulkan against pack_ref: every format, with and without the sRGB
// encode, on odd sizes, random / zero / one content and values outside [0, 1] and NaN.
// Without the encode the result is identical to the reference (byte for byte); with it (GPU pow
// differs by a few ULP) RGBA8 may differ by 1 code and float formats by 1e-5 (rgba32f) or one
// fp16 ULP (rgba16f).
#include <fmt/format.h>

#include <cstring>

#include "stages/planar.hpp"
#include "stages/ref/pack.hpp"
#include "vk_test_support.hpp"

namespace kizuna::stages {
namespace {

using vktest::Content;

class VkPackTest : public vktest::VkStageTest {};

float value_at(const Image& img, int x, int y, int c) {
    switch (img.format()) {
        case PixelFormat::rgba8:
            return img.view().row_as<const uint8_t>(y)[4 * x + c];
        case PixelFormat::rgba16f:
            return half_to_float(img.view().row_as<const uint16_t>(y)[4 * x + c]);
        case PixelFormat::rgba32f:
            return img.view().row_as<const float>(y)[4 * x + c];
    }
    return 0;
}

TEST_P(VkPackTest, MatchesReference) {
    uint32_t seed = 6000;
    for (const auto size : vktest::kSizes) {
        for (Content content :
             {Content::random, Content::zeros, Content::ones, Content::line_art}) {
            for (bool wild : {false, true}) {
                for (bool alpha : {false, true}) {
                    ++seed;
                    PlanarFrame in = vktest::make_frame(size.w, size.h, content, seed, alpha);
                    if (wild) {
                        // Out of range and NaN: must be clamped (NaN -> 0).
                        std::mt19937 rng(seed);
                        for (Plane* p : {&in.r, &in.g, &in.b}) {
                            for (int y = 0; y < size.h; ++y) {
                                for (int x = 0; x < size.w; ++x) {
                                    const uint32_t k = rng() % 4;
                                    if (k == 0) p->row(y)[x] = NAN;
                                    if (k == 1) p->row(y)[x] = -0.25f;
                                    if (k == 2) p->row(y)[x] = 1.75f;
                                }
                            }
                        }
                    }
                    vktest::quantize(in, GetParam());
                    for (PixelFormat format :
                         {PixelFormat::rgba8, PixelFormat::rgba16f, PixelFormat::rgba32f}) {
                        for (bool srgb : {false, true}) {
                            const std::string what = fmt::format(
                                "pack {} {}x{} {}{} alpha={} -> {} encode_srgb={} seed={}",
                                vktest::precision_name(GetParam()), size.w, size.h,
                                vktest::content_name(content), wild ? " (wild values)" : "", alpha,
                                pixel_format_name(format), srgb, seed);
                            auto want = Image::create(size.w, size.h, format);
                            auto got = Image::create(size.w, size.h, format);
                            ASSERT_TRUE(want && got);
                            ASSERT_TRUE(pack_ref(in, srgb, want->view())) << what;
                            auto r = runner_->pack(in, srgb, got->view());
                            ASSERT_TRUE(r) << what << ": " << r.error().message;
                            float tol = 0.0f;
                            if (srgb) {
                                tol = format == PixelFormat::rgba8     ? 1.0f
                                      : format == PixelFormat::rgba16f ? 1e-3f
                                                                       : 1e-5f;
                            }
                            for (int y = 0; y < size.h; ++y) {
                                for (int x = 0; x < size.w; ++x) {
                                    for (int c = 0; c < 4; ++c) {
                                        const float a = value_at(*want, x, y, c);
                                        const float b = value_at(*got, x, y, c);
                                        ASSERT_LE(std::fabs(a - b), tol)
                                            << what << " at (" << x << ", " << y << ") channel "
                                            << c << ": reference " << a << ", vulkan " << b;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Precision, VkPackTest, vktest::both_precisions(),
                         vktest::precision_param_name);

}  // namespace
}  // namespace kizuna::stages
