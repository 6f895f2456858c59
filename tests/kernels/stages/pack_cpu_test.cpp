// Output packing: fast (SIMD + threads) against the reference, checkasm style (stage_check.hpp).
// Exact (byte for byte) without the sRGB encode; with it, within 1 code (RGBA8) or 1e-3
// (RGBA16F, one half ulp near 1) or 2e-4 (RGBA32F). Inputs cover NaN and ±inf (which must pack
// as the reference packs them) and values on and one ulp off the rounding ties of 8-bit codes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "kernel_check.hpp"
#include "stage_check.hpp"
#include "stages/cpu/pack.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/ref/pack.hpp"

namespace kizuna::stages {
namespace {

using check::Fill;

// A fill and the range it is asked for.
struct PackFill {
    Fill fill;
    float lo, hi;
};

constexpr PackFill kPackFills[] = {
    {Fill::random, 0.0f, 1.0f},
    {Fill::zeros, 0.0f, 1.0f},
    {Fill::ones, 0.0f, 1.0f},
    {Fill::extremes, 0.5f / 255.0f, 1.5f / 255.0f},  // 8-bit ties, 0, 1 and one ulp inside
    {Fill::wide, -0.25f, 1.25f},
    {Fill::nonfinite, -0.25f, 1.25f},
};

constexpr PixelFormat kFormats[] = {PixelFormat::rgba8, PixelFormat::rgba16f, PixelFormat::rgba32f};

check::Tolerance pack_tolerance(PixelFormat format, bool encode) {
    if (!encode) return {};
    return {format == PixelFormat::rgba8 ? 1.0f : format == PixelFormat::rgba16f ? 1e-3f : 2e-4f};
}

// An image of w x h pixels with a tight stride (no padding), so that writing past a row end
// would hit the next row, followed by 64 guard bytes.
struct TightImage {
    std::vector<std::byte> buf;
    ImageView view;
    TightImage(int w, int h, PixelFormat format) {
        const size_t row_bytes = bytes_per_pixel(format) * static_cast<size_t>(w);
        buf.assign(row_bytes * h + 64, kGuard);
        view = {buf.data(), w, h, static_cast<ptrdiff_t>(row_bytes), format};
    }
    std::span<const std::byte> guard() const { return std::span(buf).last(64); }
    static constexpr std::byte kGuard{0xAB};
};

TEST(PackCpu, MatchesReference) {
    ThreadPool pools[3] = {ThreadPool(1), ThreadPool(2), ThreadPool(3)};
    uint32_t salt = 7;
    for (const check::Size& s : check::stage_sizes()) {
        for (PixelFormat format : kFormats) {
            for (const PackFill& f : kPackFills) {
                for (bool alpha : {false, true}) {
                    const uint32_t seed = test::case_seed(salt++);
                    const PlanarFrame in =
                        check::make_frame(s.width, s.height, alpha, f.fill, seed, f.lo, f.hi);
                    for (bool encode : {false, true}) {
                        ThreadPool& pool = pools[salt % 3];
                        const std::string what = fmt::format(
                            "pack {}x{} {} format {} encode {} alpha {} threads {}{}", s.width,
                            s.height, test::fill_name(f.fill), pixel_format_name(format), encode,
                            alpha, pool.size(), test::seed_note(seed));
                        TightImage ref(s.width, s.height, format), fast(s.width, s.height, format);
                        ASSERT_TRUE(pack_ref(in, encode, ref.view).ok()) << what;
                        ASSERT_TRUE(pack_cpu(in, encode, fast.view, pool).ok()) << what;
                        ASSERT_TRUE(check::untouched(fast.guard(), TightImage::kGuard, what));
                        ASSERT_TRUE(check::compare_images(fast.view, ref.view,
                                                          pack_tolerance(format, encode), what));
                    }
                }
            }
        }
    }
    if (!test::bench_enabled()) return;
    const PlanarFrame in = check::make_frame(1920, 1080, false, Fill::random, test::case_seed(1));
    for (PixelFormat format : kFormats) {
        TightImage out(1920, 1080, format);
        test::bench_vs_ref(
            fmt::format("pack 1920x1080 encode {}", pixel_format_name(format)),
            [&] { (void)pack_ref(in, true, out.view); },
            [&] { (void)pack_cpu(in, true, out.view, pools[2]); }, 5);
    }
}

TEST(PackCpu, RejectsWrongSize) {
    const PlanarFrame in = check::make_frame(8, 8, false, Fill::zeros, 1);
    std::vector<std::byte> buf(4 * 9 * 8);
    ThreadPool pool(1);
    EXPECT_FALSE(
        pack_cpu(in, false, ImageView{buf.data(), 9, 8, 36, PixelFormat::rgba8}, pool).ok());
    EXPECT_FALSE(pack_ref(in, false, ImageView{buf.data(), 9, 8, 36, PixelFormat::rgba8}).ok());
}

}  // namespace
}  // namespace kizuna::stages
