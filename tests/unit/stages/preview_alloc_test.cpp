// The fast CPU chain allocates nothing per frame in steady state: the global operator new counter
// (tests/support/alloc_counter.cpp) must not move across frames once the first frame has sized
// the buffers.
#include <gtest/gtest.h>

#include "alloc_counter.hpp"
#include "kizuna/image.hpp"
#include "stages/preview_backend.hpp"

namespace kizuna::stages {
namespace {

TEST(PreviewCpuAllocations, NoneInSteadyState) {
    constexpr int kW = 96, kH = 54;
    auto in = Image::create(kW, kH, PixelFormat::rgba8);
    auto out = Image::create(2 * kW, 2 * kH, PixelFormat::rgba8);
    ASSERT_TRUE(in.ok() && out.ok());
    PreviewParams p;
    p.upscale.out_width = 2 * kW;
    p.upscale.out_height = 2 * kH;
    p.enhance = {0.1f, 0.2f, 1.05f, 0.3f};
    p.temporal_enabled = true;
    // One thread: stages 1-3 keep lazily grown per-thread scratch (stages/cpu/simd.hpp), so on a
    // multi-thread pool the first frame in which a worker happens to take a given kind of row
    // chunk allocates, at a timing-dependent frame. With the caller alone, every buffer is sized
    // by frame 0 and any per-frame allocation shows deterministically.
    auto cpu = make_cpu_preview(1);
    for (int frame = 0; frame < 8; ++frame) {
        // A moving gradient, and a scene cut at frame 5 (the cut path must not allocate either).
        for (int y = 0; y < kH; ++y) {
            auto* row = in->view().row_as<uint8_t>(y);
            for (int x = 0; x < kW; ++x) {
                const int v = (x * 2 + y + frame * 3) & 255;
                row[4 * x + 0] = static_cast<uint8_t>(frame >= 5 ? 255 - v : v);
                row[4 * x + 1] = static_cast<uint8_t>(frame >= 5 ? v / 2 : 255 - v);
                row[4 * x + 2] = static_cast<uint8_t>(x * 255 / kW);
                row[4 * x + 3] = 255;
            }
        }
        const long before = kizuna::test::allocation_count();
        ASSERT_TRUE(cpu->process(in->view(), out->view(), p).ok());
        const long allocated = kizuna::test::allocation_count() - before;
        if (frame >= 2) {
            EXPECT_EQ(allocated, 0) << "frame " << frame;
        } else if (frame == 0) {
            EXPECT_GT(allocated, 0) << "the counter does not see the chain's allocations";
        }
    }
}

}  // namespace
}  // namespace kizuna::stages
