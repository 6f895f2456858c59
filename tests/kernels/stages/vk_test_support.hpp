// Shared helpers of the Vulkan stage tests: one device per test program, one stage runner per
// storage precision, frame generators (random, zeros, ones, line art) and checkasm-style plane
// comparison that reports the worst value, its position, the parameters and the seed.
// Without a usable Vulkan device every test is reported as skipped, with the reason.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>

#include "core/enum_names.hpp"
#include "core/half.hpp"
#include "gpu/context.hpp"
#include "stages/planar.hpp"
#include "stages/vk/stage_runner.hpp"

namespace kizuna::stages::vktest {

// The program's device (created on first use), or null with *why set.
inline gpu::Context* shared_context(std::string* why) {
    static std::string error;
    static std::unique_ptr<gpu::Context> ctx = [] {
        auto c = gpu::Context::create();
        if (!c) {
            error = c.error().message;
            return std::unique_ptr<gpu::Context>();
        }
        return std::move(*c);
    }();
    *why = error;
    return ctx.get();
}

inline const char* precision_name(gpu::StoragePrecision p) {
    return p == gpu::StoragePrecision::f16 ? "fp16" : "fp32";
}

// The storage precisions every Vulkan stage test runs at (its test parameter), and their names.
inline auto both_precisions() {
    return testing::Values(gpu::StoragePrecision::f32, gpu::StoragePrecision::f16);
}

inline std::string precision_param_name(const testing::TestParamInfo<gpu::StoragePrecision>& info) {
    return precision_name(info.param);
}

// Base fixture, parameterised by storage precision. Skips (with the reason) when there is no
// device, or no fp16 storage for the fp16 instance.
class VkStageTest : public testing::TestWithParam<gpu::StoragePrecision> {
protected:
    void SetUp() override {
        std::string why;
        ctx_ = shared_context(&why);
        if (!ctx_) GTEST_SKIP() << "no usable Vulkan device: " << why;
        if (f16() && !ctx_->fp16_enabled()) {
            GTEST_SKIP() << ctx_->caps().info.name << " has no 16-bit storage buffers";
        }
        static std::map<gpu::StoragePrecision, std::unique_ptr<vk::VkStageRunner>> runners;
        auto& r = runners[GetParam()];
        if (!r) {
            auto made = vk::VkStageRunner::create(*ctx_, GetParam());
            ASSERT_TRUE(made) << made.error().message;
            r = std::move(*made);
        }
        runner_ = r.get();
        runner_->reset_temporal();
    }
    bool f16() const { return GetParam() == gpu::StoragePrecision::f16; }
    float tol(float fp32, float fp16) const { return f16() ? fp16 : fp32; }

    gpu::Context* ctx_ = nullptr;
    vk::VkStageRunner* runner_ = nullptr;
};

enum class Content { random, zeros, ones, line_art };

inline const char* content_name(Content c) {
    return enum_name<Content::line_art>(c, {"random", "zeros", "ones", "line_art"});
}

// A frame of the given content. line_art: a light gradient background with dark strokes 1-2
// pixels wide and a hard-edged block, plus faint noise (so every pixel class appears).
inline PlanarFrame make_frame(int w, int h, Content content, uint32_t seed, bool alpha) {
    PlanarFrame f;
    EXPECT_TRUE(f.ensure(w, h, alpha));
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> uni(0.0f, 1.0f);
    Plane* planes[4] = {&f.r, &f.g, &f.b, alpha ? &f.a : nullptr};
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const bool stroke = (x % 7 == 3) || (y % 9 == 4) || ((x + y) % 11 == 0);
            const bool block = x > w / 2 && y > h / 2;
            for (int c = 0; c < 4; ++c) {
                if (!planes[c]) continue;
                float v = 0.0f;
                switch (content) {
                    case Content::random:
                        v = uni(rng);
                        break;
                    case Content::zeros:
                        v = 0.0f;
                        break;
                    case Content::ones:
                        v = 1.0f;
                        break;
                    case Content::line_art:
                        v = c == 3 ? 1.0f
                                   : 0.6f + 0.3f * static_cast<float>(x) / w +
                                         0.01f * (uni(rng) - 0.5f) - (block ? 0.35f : 0.0f) -
                                         (stroke ? 0.45f + 0.1f * c : 0.0f);
                        break;
                }
                planes[c]->row(y)[x] = std::clamp(v, 0.0f, 1.0f);
            }
        }
    }
    return f;
}

// Rounds every value to fp16 when the device stores fp16, so the reference sees exactly the
// input the device sees.
inline void quantize(PlanarFrame& f, gpu::StoragePrecision p) {
    if (p != gpu::StoragePrecision::f16) return;
    Plane* planes[4] = {&f.r, &f.g, &f.b, f.has_alpha() ? &f.a : nullptr};
    for (Plane* pl : planes) {
        if (!pl) continue;
        for (int y = 0; y < pl->height(); ++y) {
            for (int x = 0; x < pl->width(); ++x) {
                pl->row(y)[x] = half_to_float(float_to_half(pl->row(y)[x]));
            }
        }
    }
}

// |want - got| <= tol everywhere (NaN equal to NaN). The failure names the plane, the worst
// position and values, and the caller's description (parameters and seed).
inline testing::AssertionResult planes_near(const Plane& want, const Plane& got, float tol,
                                            const char* plane, const std::string& what) {
    if (want.width() != got.width() || want.height() != got.height()) {
        return testing::AssertionFailure()
               << what << ": plane " << plane << " is " << got.width() << "x" << got.height()
               << ", want " << want.width() << "x" << want.height();
    }
    float worst = 0.0f;
    int wx = 0, wy = 0;
    for (int y = 0; y < want.height(); ++y) {
        for (int x = 0; x < want.width(); ++x) {
            const float a = want.row(y)[x], b = got.row(y)[x];
            if (std::isnan(a) && std::isnan(b)) continue;
            const float d = std::isnan(a) || std::isnan(b) ? INFINITY : std::fabs(a - b);
            if (d > worst) {
                worst = d;
                wx = x;
                wy = y;
            }
        }
    }
    if (worst <= tol) return testing::AssertionSuccess();
    return testing::AssertionFailure()
           << what << ": plane " << plane << " differs by " << worst << " > " << tol << " at ("
           << wx << ", " << wy << "): reference " << want.row(wy)[wx] << ", vulkan "
           << got.row(wy)[wx];
}

// R, G, B, and alpha (the reference's, or 1 where it has none) of two frames.
inline testing::AssertionResult frames_near(const PlanarFrame& want, const PlanarFrame& got,
                                            float tol, const std::string& what) {
    for (auto [w, g, name] :
         {std::tuple{&want.r, &got.r, "R"}, {&want.g, &got.g, "G"}, {&want.b, &got.b, "B"}}) {
        auto r = planes_near(*w, *g, tol, name, what);
        if (!r) return r;
    }
    if (want.has_alpha()) return planes_near(want.a, got.a, tol, "A", what);
    if (!got.has_alpha()) return testing::AssertionSuccess();
    Plane ones;
    EXPECT_TRUE(ones.ensure(want.width(), want.height()));
    for (int y = 0; y < want.height(); ++y) std::fill_n(ones.row(y), want.width(), 1.0f);
    return planes_near(ones, got.a, tol, "A (opaque)", what);
}

// A stage's run on the device, `r`, succeeded and wrote `got` within `tol` of `want`
// (frames_near).
inline testing::AssertionResult ran_near(const Result<void>& r, const PlanarFrame& want,
                                         const PlanarFrame& got, float tol,
                                         const std::string& what) {
    if (!r) return testing::AssertionFailure() << what << ": " << r.error().message;
    return frames_near(want, got, tol, what);
}

struct Size {
    int w, h;
};
// The odd sizes every stage is checked on.
inline constexpr Size kSizes[] = {{67, 43}, {1, 1}, {17, 9}};

}  // namespace kizuna::stages::vktest
