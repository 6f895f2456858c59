// The fast CPU chain allocates nothing per frame in steady state: a global operator new counter
// (this test program's own replacement of the allocation functions) must not move across
// frames once the first frame has sized the buffers.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "kizuna/image.hpp"
#include "stages/preview_backend.hpp"

namespace {
std::atomic<long> g_allocations{0};

void* counted_alloc(size_t n, size_t align) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (n == 0) n = 1;
    if (align <= alignof(std::max_align_t)) return std::malloc(n);
    return std::aligned_alloc(align, (n + align - 1) / align * align);
}
}  // namespace

void* operator new(size_t n) {
    if (void* p = counted_alloc(n, 0)) return p;
    throw std::bad_alloc();
}
void* operator new[](size_t n) {
    return operator new(n);
}
void* operator new(size_t n, const std::nothrow_t&) noexcept {
    return counted_alloc(n, 0);
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
    return counted_alloc(n, 0);
}
void* operator new(size_t n, std::align_val_t a) {
    if (void* p = counted_alloc(n, static_cast<size_t>(a))) return p;
    throw std::bad_alloc();
}
void* operator new[](size_t n, std::align_val_t a) {
    return operator new(n, a);
}
void* operator new(size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_alloc(n, static_cast<size_t>(a));
}
void* operator new[](size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_alloc(n, static_cast<size_t>(a));
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, size_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, size_t, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, size_t, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    std::free(p);
}

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
    // One thread: stages 1-3 keep lazily grown per-thread scratch (stages/simd.hpp), so on a
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
        const long before = g_allocations.load();
        ASSERT_TRUE(cpu->process(in->view(), out->view(), p).ok());
        const long allocated = g_allocations.load() - before;
        if (frame >= 2) {
            EXPECT_EQ(allocated, 0) << "frame " << frame;
        } else if (frame == 0) {
            EXPECT_GT(allocated, 0) << "the counter does not see the chain's allocations";
        }
    }
}

}  // namespace
}  // namespace kizuna::stages
