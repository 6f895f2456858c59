// Stage 1 on Vulkan against normalize_ref: every input format, odd sizes, random / zero / one
// content (plus out-of-range and NaN values for rgba32f), denoise and linear-light corners.
// Tolerance: 1e-4 (fp32 storage; exp/pow differ by a few ULP between CPU and GPU), 2e-3 (fp16
// storage: the output and the denoise input are rounded to fp16, about 5e-4 each).
#include <fmt/format.h>

#include <cstring>

#include "stages/planar.hpp"
#include "stages/ref/normalize.hpp"
#include "vk_test_support.hpp"

namespace kizuna::stages {
namespace {

using vktest::Content;

class VkNormalizeTest : public vktest::VkStageTest {};

// An RGBA image of format with content; random alpha is random, zeros alpha 0, ones alpha 1.
// wild (rgba32f only): values outside [0, 1], infinities and NaN mixed in.
Image make_rgba(int w, int h, PixelFormat format, Content content, uint32_t seed, bool wild) {
    auto img = Image::create(w, h, format);
    EXPECT_TRUE(img);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> uni(0.0f, 1.0f);
    std::uniform_real_distribution<float> wide(-0.5f, 1.5f);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            for (int c = 0; c < 4; ++c) {
                float v = content == Content::zeros  ? 0.0f
                          : content == Content::ones ? 1.0f
                                                     : uni(rng);
                if (wild) {
                    const uint32_t pick = rng() % 16;
                    v = pick == 0 ? NAN : pick == 1 ? INFINITY : pick == 2 ? -INFINITY : wide(rng);
                }
                switch (format) {
                    case PixelFormat::rgba8:
                        img->view().row_as<uint8_t>(y)[4 * x + c] =
                            static_cast<uint8_t>(std::lround(v * 255.0f));
                        break;
                    case PixelFormat::rgba16f:
                        img->view().row_as<uint16_t>(y)[4 * x + c] = float_to_half(v);
                        break;
                    case PixelFormat::rgba32f:
                        img->view().row_as<float>(y)[4 * x + c] = v;
                        break;
                }
            }
        }
    }
    return std::move(*img);
}

TEST_P(VkNormalizeTest, MatchesReference) {
    const NormalizeParams corners[] = {
        {0.0f, 2, false},  // identity: decode only
        {0.0f, 2, true},   // linear light without denoise
        {1.0f, 1, false},  // strongest denoise, smallest radius
        {0.5f, 4, true},   // largest radius, then linear light
    };
    uint32_t seed = 1000;
    for (const auto size : vktest::kSizes) {
        for (PixelFormat format :
             {PixelFormat::rgba8, PixelFormat::rgba16f, PixelFormat::rgba32f}) {
            for (Content content : {Content::random, Content::zeros, Content::ones}) {
                for (bool wild : {false, true}) {
                    if (wild && (format != PixelFormat::rgba32f || content != Content::random)) {
                        continue;
                    }
                    for (const NormalizeParams& p : corners) {
                        ++seed;
                        const std::string what = fmt::format(
                            "normalize {} {}x{} {} {}{} strength={} radius={} linear={} seed={}",
                            vktest::precision_name(GetParam()), size.w, size.h,
                            pixel_format_name(format), vktest::content_name(content),
                            wild ? " (wild values)" : "", p.denoise_strength, p.denoise_radius,
                            p.linear_light, seed);
                        const Image img = make_rgba(size.w, size.h, format, content, seed, wild);
                        PlanarFrame want, got;
                        ASSERT_TRUE(normalize_ref(img.view(), p, want)) << what;
                        ASSERT_TRUE(vktest::ran_near(runner_->normalize(img.view(), p, got), want,
                                                     got, tol(1e-4f, 2e-3f), what));
                    }
                }
            }
        }
    }
}

TEST_P(VkNormalizeTest, HonoursInputStride) {
    // A view with padding after each row: the padding must not leak into the picture.
    const int w = 17, h = 9;
    auto img = Image::create(w + 5, h, PixelFormat::rgba8);
    ASSERT_TRUE(img);
    std::memset(img->data(), 0xff, static_cast<size_t>(img->stride()) * h);
    ConstImageView view{img->data(), w, h, img->stride(), PixelFormat::rgba8};
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x)
            img->view().row_as<uint8_t>(y)[4 * x] = static_cast<uint8_t>(x * 7);
    }
    PlanarFrame want, got;
    ASSERT_TRUE(normalize_ref(view, {}, want));
    ASSERT_TRUE(runner_->normalize(view, {}, got));
    EXPECT_TRUE(vktest::frames_near(want, got, tol(1e-6f, 1e-3f), "normalize stride 17x9"));
}

INSTANTIATE_TEST_SUITE_P(Precision, VkNormalizeTest, vktest::both_precisions(),
                         vktest::precision_param_name);

}  // namespace
}  // namespace kizuna::stages
