// Output packing: fast (SIMD + threads) against the reference, checkasm style. Exact (byte for
// byte) without the sRGB encode; with it, within 1 code (RGBA8) or 1e-3 (RGBA16F, one half ulp
// near 1) or 2e-4 (RGBA32F).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include <fmt/format.h>

#include "core/half.hpp"
#include "stages/cpu/pack.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/ref/pack.hpp"

namespace kizuna::stages {
namespace {

enum class Fill { random, zeros, ones, wild };

PlanarFrame make_input(int w, int h, Fill fill, uint32_t seed, bool alpha) {
    PlanarFrame f;
    EXPECT_TRUE(f.ensure(w, h, alpha).ok());
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f), wide(-0.5f, 1.5f);
    const float specials[] = {
        std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
        -std::numeric_limits<float>::infinity(), 0.5f / 255.0f, 1.5f / 255.0f};
    Plane* planes[4] = {&f.r, &f.g, &f.b, &f.a};
    for (int c = 0; c < (alpha ? 4 : 3); ++c) {
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                float v = 0.0f;
                switch (fill) {
                    case Fill::random:
                        v = u(rng);
                        break;
                    case Fill::zeros:
                        v = 0.0f;
                        break;
                    case Fill::ones:
                        v = 1.0f;
                        break;
                    case Fill::wild:
                        v = rng() % 7 == 0 ? specials[rng() % 5] : wide(rng);
                        break;
                }
                planes[c]->row(y)[x] = v;
            }
        }
    }
    return f;
}

void check(int w, int h, Fill fill, PixelFormat format, bool encode, bool alpha, uint32_t seed,
           int threads) {
    const PlanarFrame in = make_input(w, h, fill, seed, alpha);
    // A tight stride (no padding) so that writing past the row end would hit the next row.
    const size_t bpp = bytes_per_pixel(format);
    const size_t row_bytes = bpp * static_cast<size_t>(w);
    std::vector<std::byte> ref_buf(row_bytes * h + 64, std::byte{0xAB});
    std::vector<std::byte> fast_buf(row_bytes * h + 64, std::byte{0xAB});
    ImageView ref{ref_buf.data(), w, h, static_cast<ptrdiff_t>(row_bytes), format};
    ImageView fast{fast_buf.data(), w, h, static_cast<ptrdiff_t>(row_bytes), format};
    ASSERT_TRUE(pack_ref(in, encode, ref).ok());
    ThreadPool pool(threads);
    ASSERT_TRUE(pack_cpu(in, encode, fast, pool).ok());
    const std::string what = fmt::format(
        "size {}x{} fill {} format {} encode {} alpha {} threads {} seed {}", w, h,
        static_cast<int>(fill), pixel_format_name(format), encode, alpha, threads, seed);
    for (size_t i = row_bytes * h; i < ref_buf.size(); ++i) {
        ASSERT_EQ(fast_buf[i], std::byte{0xAB}) << what << ": wrote past the image";
    }
    if (!encode) {
        ASSERT_EQ(0, std::memcmp(ref_buf.data(), fast_buf.data(), row_bytes * h)) << what;
        return;
    }
    for (int y = 0; y < h; ++y) {
        for (int i = 0; i < 4 * w; ++i) {
            double a = 0, b = 0, tol = 0;
            switch (format) {
                case PixelFormat::rgba8:
                    a = ref.row_as<uint8_t>(y)[i], b = fast.row_as<uint8_t>(y)[i], tol = 1;
                    break;
                case PixelFormat::rgba16f:
                    a = half_to_float(ref.row_as<uint16_t>(y)[i]);
                    b = half_to_float(fast.row_as<uint16_t>(y)[i]);
                    tol = 1e-3;
                    break;
                case PixelFormat::rgba32f:
                    a = ref.row_as<float>(y)[i], b = fast.row_as<float>(y)[i], tol = 2e-4;
                    break;
            }
            ASSERT_NEAR(b, a, tol)
                << what << " at x " << i / 4 << " channel " << i % 4 << " y " << y;
        }
    }
}

TEST(PackCpu, MatchesReference) {
    const int sizes[][2] = {{67, 43}, {1, 1}, {15, 3}, {17, 2}, {33, 5}, {64, 4}};
    uint32_t seed = 7;
    for (const auto& s : sizes) {
        for (PixelFormat format :
             {PixelFormat::rgba8, PixelFormat::rgba16f, PixelFormat::rgba32f}) {
            for (Fill fill : {Fill::random, Fill::zeros, Fill::ones, Fill::wild}) {
                for (bool encode : {false, true}) {
                    for (bool alpha : {false, true}) {
                        check(s[0], s[1], fill, format, encode, alpha, seed, 1 + seed % 3);
                        ++seed;
                        if (HasFatalFailure()) return;
                    }
                }
            }
        }
    }
}

TEST(PackCpu, RejectsWrongSize) {
    const PlanarFrame in = make_input(8, 8, Fill::zeros, 1, false);
    std::vector<std::byte> buf(4 * 9 * 8);
    ThreadPool pool(1);
    EXPECT_FALSE(
        pack_cpu(in, false, ImageView{buf.data(), 9, 8, 36, PixelFormat::rgba8}, pool).ok());
    EXPECT_FALSE(pack_ref(in, false, ImageView{buf.data(), 9, 8, 36, PixelFormat::rgba8}).ok());
}

}  // namespace
}  // namespace kizuna::stages
