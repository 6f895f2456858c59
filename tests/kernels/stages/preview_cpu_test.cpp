// The whole fast CPU chain (make_cpu_preview) against the reference chain
// (make_reference_preview) over short frame sequences with temporal stabilization on and a
// scene cut, at odd sizes and parameter corners; and byte-identical output for 1, 2 and 3
// threads. Tolerance: 2e-3 per RGBA32F value (the fast stages' own tolerances add up).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "chain_params.hpp"
#include "kizuna/image.hpp"
#include "stages/preview_backend.hpp"

namespace kizuna::stages {
namespace {

// A cartoon-like RGBA32F frame: flat regions, dark outlines, some noise; frame index moves the
// shape; `scene` switches to another picture.
Image make_frame(int w, int h, int index, int scene, uint32_t seed, bool alpha) {
    auto img = Image::create(w, h, PixelFormat::rgba32f);
    EXPECT_TRUE(img.ok());
    std::mt19937 rng(seed * 131u + static_cast<uint32_t>(index));
    std::uniform_real_distribution<float> noise(-0.01f, 0.01f);
    for (int y = 0; y < h; ++y) {
        float* row = img->view().row_as<float>(y);
        for (int x = 0; x < w; ++x) {
            const int cx = w / 3 + index, cy = h / 2;
            const float d = std::hypot(static_cast<float>(x - cx), static_cast<float>(y - cy));
            const float r0 = static_cast<float>(std::min(w, h)) / 4;
            float c[3] = {0.8f, 0.85f, 0.9f};
            if (d < r0) c[0] = 0.9f, c[1] = 0.4f, c[2] = 0.3f;
            if (std::fabs(d - r0) < 1.0f) c[0] = c[1] = c[2] = 0.1f;
            for (int i = 0; i < 3; ++i) {
                float v = c[i] + noise(rng);
                if (scene) v = 1.0f - v;
                row[4 * x + i] = std::clamp(v, 0.0f, 1.0f);
            }
            row[4 * x + 3] = alpha ? (x % 7) / 6.0f : 1.0f;
        }
    }
    return std::move(*img);
}

PreviewParams params_for(int corner, int ow, int oh) {
    PreviewParams p = chain_params(ow, oh);
    switch (corner) {
        case 0:
            break;  // defaults: neutral enhance
        case 1:
            p.enhance = kBalancedEnhance;
            break;
        case 2:
            p.enhance = {1.0f, 1.0f, 2.0f, 2.0f};
            p.temporal = {1.0f, 1.0f, 1.0f};
            break;
        case 3:
            p.enhance = {0.5f, 0.0f, 0.0f, 1.0f};
            p.normalize.linear_light = true;
            break;
        case 4:
            p.enhance_enabled = false;
            p.temporal_enabled = false;
            break;
        case 5:
            p.temporal = {0.0f, 0.001f, 0.0f};
            break;
    }
    return p;
}

TEST(PreviewCpuChain, MatchesReference) {
    const int sizes[][4] = {{67, 43, 134, 86}, {1, 1, 2, 2}, {17, 9, 40, 20}, {33, 16, 33, 16}};
    uint32_t seed = 1;
    for (const auto& s : sizes) {
        for (int corner = 0; corner < 6; ++corner) {
            const PreviewParams p = params_for(corner, s[2], s[3]);
            auto ref = make_reference_preview();
            auto cpu = make_cpu_preview(1 + seed % 3);
            const bool alpha = seed % 2;
            for (int i = 0; i < 5; ++i) {
                const Image in = make_frame(s[0], s[1], i, i >= 3, seed, alpha);
                auto a = Image::create(s[2], s[3], PixelFormat::rgba32f);
                auto b = Image::create(s[2], s[3], PixelFormat::rgba32f);
                ASSERT_TRUE(a.ok() && b.ok());
                ASSERT_TRUE(ref->process(in.view(), a->view(), p).ok());
                ASSERT_TRUE(cpu->process(in.view(), b->view(), p).ok());
                const std::string what =
                    fmt::format("in {}x{} out {}x{} corner {} alpha {} seed {} frame {}", s[0],
                                s[1], s[2], s[3], corner, alpha, seed, i);
                for (int y = 0; y < s[3]; ++y) {
                    const float* ra = a->view().row_as<float>(y);
                    const float* rb = b->view().row_as<float>(y);
                    for (int x = 0; x < 4 * s[2]; ++x) {
                        ASSERT_NEAR(rb[x], ra[x], 2e-3f)
                            << what << " at x " << x / 4 << " channel " << x % 4 << " y " << y;
                    }
                }
            }
            ++seed;
        }
    }
}

uint64_t fnv1a(const Image& img) {
    uint64_t h = 1469598103934665603ull;
    for (int y = 0; y < img.height(); ++y) {
        const auto* p = reinterpret_cast<const uint8_t*>(img.view().row(y));
        for (size_t i = 0; i < static_cast<size_t>(img.width()) * bytes_per_pixel(img.format());
             ++i) {
            h = (h ^ p[i]) * 1099511628211ull;
        }
    }
    return h;
}

TEST(PreviewCpuChain, IdenticalForAnyThreadCountAndRun) {
    const PreviewParams p = params_for(1, 150, 98);
    std::vector<uint64_t> first;
    for (int run = 0; run < 4; ++run) {
        const int threads = run == 0 ? 1 : run;  // 1, 1, 2, 3
        auto cpu = make_cpu_preview(threads);
        std::vector<uint64_t> hashes;
        for (int i = 0; i < 4; ++i) {
            const Image in = make_frame(75, 49, i, 0, 42, false);
            auto out = Image::create(150, 98, PixelFormat::rgba8);
            ASSERT_TRUE(out.ok());
            ASSERT_TRUE(cpu->process(in.view(), out->view(), p).ok());
            hashes.push_back(fnv1a(*out));
        }
        if (run == 0) {
            first = hashes;
        } else {
            EXPECT_EQ(first, hashes) << "threads " << threads << " run " << run;
        }
    }
}

// An opaque frame takes the fused route (the x2 upscale computed row by row inside the
// stage 4/5/pack pass); the same RGB with a non-opaque alpha takes the whole-frame route. Stages
// never mix alpha into RGB, so both must give the same RGB bytes, frame after frame (temporal
// on, a scene cut at frame 3), at a width spanning several enhance chunks and odd heights.
TEST(PreviewCpuChain, FusedUpscaleRouteMatchesWholeFrameRoute) {
    const int sizes[][2] = {{300, 21}, {67, 43}, {1, 1}};
    for (const auto& s : sizes) {
        const int w = s[0], h = s[1];
        for (int corner : {1, 2, 3, 5}) {
            const PreviewParams p = params_for(corner, 2 * w, 2 * h);
            auto fused = make_cpu_preview(2);
            auto whole = make_cpu_preview(2);
            for (int i = 0; i < 5; ++i) {
                const Image opaque = make_frame(w, h, i, i >= 3, 7, false);
                const Image with_alpha = make_frame(w, h, i, i >= 3, 7, true);
                auto a = Image::create(2 * w, 2 * h, PixelFormat::rgba32f);
                auto b = Image::create(2 * w, 2 * h, PixelFormat::rgba32f);
                ASSERT_TRUE(a.ok() && b.ok());
                ASSERT_TRUE(fused->process(opaque.view(), a->view(), p).ok());
                ASSERT_TRUE(whole->process(with_alpha.view(), b->view(), p).ok());
                for (int y = 0; y < 2 * h; ++y) {
                    const float* ra = a->view().row_as<float>(y);
                    const float* rb = b->view().row_as<float>(y);
                    for (int x = 0; x < 2 * w; ++x) {
                        for (int c = 0; c < 3; ++c) {
                            ASSERT_EQ(ra[4 * x + c], rb[4 * x + c])
                                << "in " << w << "x" << h << " corner " << corner << " frame " << i
                                << " at x " << x << " y " << y << " channel " << c;
                        }
                    }
                }
            }
        }
    }
}

}  // namespace
}  // namespace kizuna::stages
