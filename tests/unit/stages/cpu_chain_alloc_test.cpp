// The fast CPU chain allocates nothing per frame in steady state: the global operator new counter
// (tests/support/alloc_counter.cpp) must not move across frames once the first frames have sized
// the buffers. Both entries are checked: process() (a scene cut included), and the hybrid chain's
// hybrid_begin / hybrid_finish with the AI picture's resample and blend buffers, whichever of the
// paths (resample or not, blend or not, strength 0) a frame takes, with process() calls in between.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "alloc_counter.hpp"
#include "kizuna/image.hpp"
#include "kizuna/tensor.hpp"
#include "stages/preview_backend.hpp"

namespace kizuna::stages {
namespace {

// An RGBA8 input and a 2x output, with the chain parameters both tests use.
struct ChainFrames {
    ChainFrames(int w, int h) : w(w), h(h) {
        auto i = Image::create(w, h, PixelFormat::rgba8);
        auto o = Image::create(2 * w, 2 * h, PixelFormat::rgba8);
        EXPECT_TRUE(i.ok() && o.ok());
        if (i.ok()) in = std::move(*i);
        if (o.ok()) out = std::move(*o);
        p.upscale.out_width = 2 * w;
        p.upscale.out_height = 2 * h;
        p.enhance = {0.1f, 0.2f, 1.05f, 0.3f};
        p.temporal_enabled = true;
    }
    // A gradient that moves with `frame`; from frame `cut` on, other colours (a scene cut).
    void draw(int frame, int cut) {
        for (int y = 0; y < h; ++y) {
            auto* row = in.view().row_as<uint8_t>(y);
            for (int x = 0; x < w; ++x) {
                const int v = (x * 2 + y + frame * 3) & 255;
                row[4 * x + 0] = static_cast<uint8_t>(frame >= cut ? 255 - v : v);
                row[4 * x + 1] = static_cast<uint8_t>(frame >= cut ? v / 2 : 255 - v);
                row[4 * x + 2] = static_cast<uint8_t>(x * 255 / w);
                row[4 * x + 3] = 255;
            }
        }
    }
    int w, h;
    Image in, out;
    PreviewParams p;
};

// Runs run_frame(frame) for `frames` frames: frame 0 must allocate (else the counter does not
// see the chain), and from frame `steady` on nothing may.
void expect_steady_state(int frames, int steady, const std::function<void(int)>& run_frame) {
    for (int frame = 0; frame < frames; ++frame) {
        const long before = kizuna::test::allocation_count();
        run_frame(frame);
        if (::testing::Test::HasFatalFailure()) return;
        const long allocated = kizuna::test::allocation_count() - before;
        if (frame >= steady) {
            EXPECT_EQ(allocated, 0) << "frame " << frame;
        } else if (frame == 0) {
            EXPECT_GT(allocated, 0) << "the counter does not see the chain's allocations";
        }
    }
}

// One thread: stages 1-3 keep lazily grown per-thread scratch (stages/cpu/simd.hpp), so on a
// multi-thread pool the first frame in which a worker happens to take a given kind of row chunk
// allocates, at a timing-dependent frame. With the caller alone, every buffer is sized by the
// first frames and any per-frame allocation shows deterministically.
TEST(PreviewCpuAllocations, NoneInSteadyState) {
    ChainFrames f(96, 54);
    auto cpu = make_cpu_preview(1);
    expect_steady_state(8, 2, [&](int frame) {
        f.draw(frame, /*cut=*/5);  // the cut path must not allocate either
        ASSERT_TRUE(cpu->process(f.in.view(), f.out.view(), f.p).ok());
    });
}

TEST(HybridCpuAllocations, NoneInSteadyState) {
    constexpr int kW = 64, kH = 36;
    ChainFrames f(kW, kH);
    f.p.normalize.linear_light = true;
    std::vector<float> model_input(3 * kW * kH);
    std::vector<float> ai_x4(3 * 4 * kW * 4 * kH, 0.5f), ai_x2(3 * 2 * kW * 2 * kH, 0.25f);
    const TensorView mi{model_input.data(), 3, kH, kW, kW * kH};
    const ConstTensorView x4{ai_x4.data(), 3, 4 * kH, 4 * kW, 16 * kW * kH};
    const ConstTensorView x2{ai_x2.data(), 3, 2 * kH, 2 * kW, 4 * kW * kH};
    auto cpu = make_cpu_preview(1);
    struct Step {
        ConstTensorView ai;
        float strength;
    };
    const Step steps[] = {{x4, 0.5f}, {x2, 1.0f}, {x4, 1.0f}, {x2, 0.3f}, {x2, 0.0f}};
    expect_steady_state(12, 6, [&](int frame) {
        f.draw(frame, /*cut=*/12);
        const Step& s = steps[frame % 5];
        if (frame % 6 == 5) {
            ASSERT_TRUE(cpu->process(f.in.view(), f.out.view(), f.p));
        } else {
            ASSERT_TRUE(cpu->hybrid_begin(f.in.view(), mi, f.p));
            ASSERT_TRUE(cpu->hybrid_finish(s.ai, s.strength, f.out.view(), f.p));
        }
    });
}

}  // namespace
}  // namespace kizuna::stages
