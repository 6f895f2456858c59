// The fast CPU hybrid chain allocates nothing per frame in steady state, including the AI
// picture's resample and blend buffers: the global operator new counter
// (tests/support/alloc_counter.cpp) must not move across hybrid_begin / hybrid_finish once the
// first frames have sized the buffers, whichever of the paths (resample or not, blend or not,
// strength 0) a frame takes, nor across process() calls in between.
#include <gtest/gtest.h>

#include <vector>

#include "alloc_counter.hpp"
#include "kizuna/image.hpp"
#include "kizuna/tensor.hpp"
#include "stages/preview_backend.hpp"

namespace kizuna::stages {
namespace {

TEST(HybridCpuAllocations, NoneInSteadyState) {
    constexpr int kW = 64, kH = 36;
    auto in = Image::create(kW, kH, PixelFormat::rgba8);
    auto out = Image::create(2 * kW, 2 * kH, PixelFormat::rgba8);
    ASSERT_TRUE(in.ok() && out.ok());
    PreviewParams p;
    p.upscale.out_width = 2 * kW;
    p.upscale.out_height = 2 * kH;
    p.enhance = {0.1f, 0.2f, 1.05f, 0.3f};
    p.temporal_enabled = true;
    p.normalize.linear_light = true;
    std::vector<float> model_input(3 * kW * kH);
    std::vector<float> ai_x4(3 * 4 * kW * 4 * kH, 0.5f), ai_x2(3 * 2 * kW * 2 * kH, 0.25f);
    const TensorView mi{model_input.data(), 3, kH, kW, kW * kH};
    const ConstTensorView x4{ai_x4.data(), 3, 4 * kH, 4 * kW, 16 * kW * kH};
    const ConstTensorView x2{ai_x2.data(), 3, 2 * kH, 2 * kW, 4 * kW * kH};
    // One thread, as in preview_alloc_test.cpp: every lazily grown per-thread buffer is sized by
    // the first frames.
    auto cpu = make_cpu_preview(1);
    struct Step {
        ConstTensorView ai;
        float strength;
    };
    const Step steps[] = {{x4, 0.5f}, {x2, 1.0f}, {x4, 1.0f}, {x2, 0.3f}, {x2, 0.0f}};
    for (int frame = 0; frame < 12; ++frame) {
        for (int y = 0; y < kH; ++y) {
            auto* row = in->view().row_as<uint8_t>(y);
            for (int x = 0; x < kW; ++x) {
                const int v = (x * 3 + y + frame * 5) & 255;
                row[4 * x + 0] = static_cast<uint8_t>(v);
                row[4 * x + 1] = static_cast<uint8_t>(255 - v);
                row[4 * x + 2] = static_cast<uint8_t>(x * 255 / kW);
                row[4 * x + 3] = 255;
            }
        }
        const Step& s = steps[frame % 5];
        const long before = kizuna::test::allocation_count();
        if (frame % 6 == 5) {
            ASSERT_TRUE(cpu->process(in->view(), out->view(), p));
        } else {
            ASSERT_TRUE(cpu->hybrid_begin(in->view(), mi, p));
            ASSERT_TRUE(cpu->hybrid_finish(s.ai, s.strength, out->view(), p));
        }
        const long allocated = kizuna::test::allocation_count() - before;
        if (frame >= 6) {
            EXPECT_EQ(allocated, 0) << "frame " << frame;
        } else if (frame == 0) {
            EXPECT_GT(allocated, 0) << "the counter does not see the chain's allocations";
        }
    }
}

}  // namespace
}  // namespace kizuna::stages
