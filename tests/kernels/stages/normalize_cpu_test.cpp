// checkasm-style (stage_check.hpp): NormalizeCpu against normalize_ref / normalize_yuv_ref on
// every harness fill (out-of-range values included), odd sizes, every pixel format, 8- and 10-bit
// Y'CbCr of every subsampling, matrix, range and siting, and the corners of every parameter range.
// Tolerance: 1e-6 without denoise / linear light (same arithmetic), 1e-5 with them
// (polynomial exp / log2 in the fast path); the RGBA8 decode is exact.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/half.hpp"
#include "kernel_check.hpp"
#include "stage_check.hpp"
#include "stages/cpu/normalize.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/ref/normalize.hpp"

namespace kizuna::stages {
namespace {

using check::Fill;

// An RGBA image by check::make_image in which about half the pixels are then made opaque, so
// that opaque and translucent pixels share vectors.
Image make_rgba(int w, int h, PixelFormat format, Fill fill, uint32_t seed) {
    Image img = check::make_image(w, h, format, fill, seed);
    std::mt19937 rng(seed ^ 0x5eedu);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            if (rng() & 1) continue;
            const int i = 4 * x + 3;
            switch (format) {
                case PixelFormat::rgba8:
                    img.view().row_as<uint8_t>(y)[i] = 255;
                    break;
                case PixelFormat::rgba16f:
                    img.view().row_as<uint16_t>(y)[i] = float_to_half(1.0f);
                    break;
                case PixelFormat::rgba32f:
                    img.view().row_as<float>(y)[i] = 1.0f;
                    break;
            }
        }
    }
    return img;
}

TEST(NormalizeCpu, RgbaMatchesReference) {
    ThreadPool pool(2);
    NormalizeCpu fast;
    uint32_t salt = 100;
    for (const check::Size& s : check::stage_sizes()) {
        // The denoise corners (a slow reference) on a subset: widths up to 33 and 67x43, and not
        // on constant pictures.
        const bool denoise_size = s.width <= 33 || (s.width == 67 && s.height == 43);
        for (auto fmt : {PixelFormat::rgba8, PixelFormat::rgba16f, PixelFormat::rgba32f}) {
            for (Fill fill : test::kAllFills) {
                const uint32_t seed = test::case_seed(++salt);
                const Image img = make_rgba(s.width, s.height, fmt, fill, seed);
                const bool denoise = denoise_size && fill != Fill::zeros && fill != Fill::ones;
                // Denoise corners: off, mid strength at the smallest radius, full at the largest.
                for (auto [strength, radius] :
                     {std::pair{0.0f, 1}, std::pair{0.5f, 1}, std::pair{1.0f, 4}}) {
                    if (strength > 0 && !denoise) continue;
                    for (bool linear : {false, true}) {
                        NormalizeParams p;
                        p.denoise_strength = strength;
                        p.denoise_radius = radius;
                        p.linear_light = linear;
                        PlanarFrame ref, out;
                        ASSERT_TRUE(normalize_ref(img.view(), p, ref).ok());
                        ASSERT_TRUE(fast.run(img.view(), p, out, pool).ok());
                        const float tol = (strength > 0 || linear) ? 1e-5f : 1e-6f;
                        ASSERT_TRUE(check::compare_frames(
                            out, ref, {tol},
                            fmt::format("normalize {}x{} {} {} strength {} radius {} linear {}{}",
                                        s.width, s.height, pixel_format_name(fmt),
                                        test::fill_name(fill), strength, radius, linear,
                                        test::seed_note(seed))));
                    }
                }
            }
        }
    }
    if (!test::bench_enabled()) return;
    const Image img = make_rgba(1920, 1080, PixelFormat::rgba8, Fill::random, test::case_seed(1));
    NormalizeParams p;
    p.denoise_strength = 0.5f;
    PlanarFrame out;
    test::bench_vs_ref(
        "normalize rgba8 1920x1080 denoise 0.5 radius 2",
        [&] { (void)normalize_ref(img.view(), p, out); },
        [&] { (void)fast.run(img.view(), p, out, pool); }, 5);
}

// The RGBA8 decode divides by 255 with a corrected reciprocal on FMA targets: every byte value
// in every channel must give exactly v / 255.0f (tolerance 0), in whole vectors and in the tail.
TEST(NormalizeCpu, Rgba8EveryByteExact) {
    ThreadPool pool(2);
    NormalizeCpu fast;
    for (int w : {256, 263}) {
        const int h = 3;
        Image img = std::move(Image::create(w, h, PixelFormat::rgba8).value());
        PlanarFrame want;
        ASSERT_TRUE(want.ensure(w, h, true).ok());
        for (int y = 0; y < h; ++y) {
            uint8_t* p = img.view().row_as<uint8_t>(y);
            for (int x = 0; x < w; ++x) {
                p[4 * x] = static_cast<uint8_t>(x + y);
                p[4 * x + 1] = static_cast<uint8_t>(255 - x);
                p[4 * x + 2] = static_cast<uint8_t>(x * 7 + y);
                p[4 * x + 3] = static_cast<uint8_t>(x * 3 + 2 * y);
                for (int c = 0; c < 4; ++c) {
                    check::plane(want, c).row(y)[x] = static_cast<float>(p[4 * x + c]) / 255.0f;
                }
            }
        }
        PlanarFrame out;
        ASSERT_TRUE(fast.run(img.view(), NormalizeParams{}, out, pool).ok());
        EXPECT_TRUE(check::compare_frames(out, want, {}, fmt::format("every byte, width {}", w)));
    }
}

// One instance over a sequence of frames whose alpha comes and goes (the fast path guesses from
// the previous frame and corrects itself): alpha plane presence and every value as the
// reference. The translucent pixel is in the scalar tail (x = w - 1) or in a whole vector.
TEST(NormalizeCpu, Rgba8AlphaComesAndGoes) {
    ThreadPool pool(2);
    NormalizeCpu fast;
    PlanarFrame out;
    const int w = 37, h = 19;
    uint32_t salt = 900;
    for (int where : {-1, w - 1, -1, 5, 20, -1, -1, 3}) {
        const uint32_t seed = test::case_seed(++salt);
        Image img = check::make_image(w, h, PixelFormat::rgba8, Fill::random, seed);
        for (int y = 0; y < h; ++y) {
            uint8_t* p = img.view().row_as<uint8_t>(y);
            for (int x = 0; x < w; ++x) p[4 * x + 3] = 255;
        }
        if (where >= 0) img.view().row_as<uint8_t>(h / 2)[4 * where + 3] = 254;
        PlanarFrame ref;
        ASSERT_TRUE(normalize_ref(img.view(), NormalizeParams{}, ref).ok());
        ASSERT_TRUE(fast.run(img.view(), NormalizeParams{}, out, pool).ok());
        ASSERT_TRUE(check::compare_frames(
            out, ref, {},
            fmt::format("{}x{} translucent at {}{}", w, h, where, test::seed_note(seed))));
    }
}

struct YuvBuffers {
    std::vector<uint8_t> y, u, v;
    YuvView view;
};

// Planes of codes: `fill` in [0, max code], rounded; 10-bit samples of the random and wide fills
// carry random junk in their top 6 bits, which must be ignored.
YuvBuffers make_yuv(int w, int h, int bits, ChromaSubsampling sub, Fill fill, uint32_t seed) {
    YuvBuffers b;
    b.view.width = w;
    b.view.height = h;
    b.view.bit_depth = bits;
    b.view.subsampling = sub;
    const int bps = bits > 8 ? 2 : 1;
    const int cw = b.view.chroma_width(), ch = b.view.chroma_height();
    // Strides padded past the row, to catch stride mistakes.
    b.view.y_stride = (w + 3) * bps;
    b.view.u_stride = b.view.v_stride = (cw + 5) * bps;
    std::mt19937 rng(seed);
    const int maxv = (1 << bits) - 1;
    const bool junk = bps == 2 && (fill == Fill::random || fill == Fill::wide);
    auto fill_plane = [&](std::vector<uint8_t>& buf, ptrdiff_t stride, int rows) {
        std::vector<float> v(static_cast<size_t>(stride) * rows / bps);
        test::fill_values(v, fill, rng, 0.0f, static_cast<float>(maxv));
        buf.assign(static_cast<size_t>(stride) * rows, 0);
        for (size_t i = 0; i < v.size(); ++i) {
            const int code = std::clamp(static_cast<int>(std::lround(v[i])), 0, maxv);
            if (bps == 1) {
                buf[i] = static_cast<uint8_t>(code);
            } else {
                const uint16_t s = static_cast<uint16_t>(code | (junk ? (rng() & 0xfc00) : 0));
                std::memcpy(&buf[2 * i], &s, 2);
            }
        }
    };
    fill_plane(b.y, b.view.y_stride, h);
    fill_plane(b.u, b.view.u_stride, ch);
    fill_plane(b.v, b.view.v_stride, ch);
    b.view.y = reinterpret_cast<const std::byte*>(b.y.data());
    b.view.u = reinterpret_cast<const std::byte*>(b.u.data());
    b.view.v = reinterpret_cast<const std::byte*>(b.v.data());
    return b;
}

TEST(NormalizeCpu, YuvMatchesReference) {
    ThreadPool pool(2);
    NormalizeCpu fast;
    uint32_t salt = 500;
    const ChromaSubsampling subs[] = {ChromaSubsampling::s420, ChromaSubsampling::s422,
                                      ChromaSubsampling::s444};
    const ColorMatrix mats[] = {ColorMatrix::bt601, ColorMatrix::bt709, ColorMatrix::bt2020_ncl,
                                ColorMatrix::rgb, ColorMatrix::unspecified};
    const ChromaLocation locs[] = {ChromaLocation::left, ChromaLocation::center,
                                   ChromaLocation::top_left};
    for (auto [w, h] : {std::pair{13, 7}, std::pair{1, 1}, std::pair{2, 3}}) {
        for (int bits : {8, 10}) {
            for (auto sub : subs) {
                for (auto m : mats) {
                    for (auto range : {ColorRange::limited, ColorRange::full}) {
                        for (auto loc : locs) {
                            const uint32_t seed = test::case_seed(++salt);
                            YuvBuffers b = make_yuv(w, h, bits, sub, Fill::random, seed);
                            b.view.color.matrix = m;
                            b.view.color.range = range;
                            b.view.color.chroma_location = loc;
                            PlanarFrame ref, out;
                            ASSERT_TRUE(normalize_yuv_ref(b.view, NormalizeParams{}, ref).ok());
                            ASSERT_TRUE(fast.run_yuv(b.view, NormalizeParams{}, out, pool).ok());
                            ASSERT_TRUE(check::compare_frames(
                                out, ref, {1e-6f},
                                fmt::format("yuv {}x{} bits {} sub {} matrix {} range {} loc {}{}",
                                            w, h, bits, static_cast<int>(sub), static_cast<int>(m),
                                            static_cast<int>(range), static_cast<int>(loc),
                                            test::seed_note(seed))));
                        }
                    }
                }
            }
        }
    }
    // Bigger odd size, the fills that differ for integer codes (wide would only clamp more
    // often than random), denoise and linear corners.
    for (int bits : {8, 10}) {
        for (Fill fill : {Fill::random, Fill::zeros, Fill::ones, Fill::extremes}) {
            for (auto sub : subs) {
                const uint32_t seed = test::case_seed(++salt);
                YuvBuffers b = make_yuv(67, 43, bits, sub, fill, seed);
                b.view.color.matrix = ColorMatrix::bt709;
                b.view.color.chroma_location = ChromaLocation::center;
                for (float strength : {0.0f, 1.0f}) {
                    for (bool linear : {false, true}) {
                        NormalizeParams p;
                        p.denoise_strength = strength;
                        p.denoise_radius = strength > 0 ? 4 : 1;
                        p.linear_light = linear;
                        PlanarFrame ref, out;
                        ASSERT_TRUE(normalize_yuv_ref(b.view, p, ref).ok());
                        ASSERT_TRUE(fast.run_yuv(b.view, p, out, pool).ok());
                        ASSERT_TRUE(check::compare_frames(
                            out, ref, {1e-5f},
                            fmt::format("yuv 67x43 bits {} {} sub {} strength {} linear {}{}", bits,
                                        test::fill_name(fill), static_cast<int>(sub), strength,
                                        linear, test::seed_note(seed))));
                    }
                }
            }
        }
    }
}

TEST(NormalizeCpu, DeterministicAcrossThreadCounts) {
    const uint32_t seed = test::case_seed(77);
    const Image img = make_rgba(67, 43, PixelFormat::rgba8, Fill::random, seed);
    NormalizeParams p;
    p.denoise_strength = 0.7f;
    p.denoise_radius = 3;
    p.linear_light = true;
    ThreadPool one(1), two(2);
    NormalizeCpu a, b;
    PlanarFrame fa, fb, fb2;
    ASSERT_TRUE(a.run(img.view(), p, fa, one).ok());
    ASSERT_TRUE(b.run(img.view(), p, fb, two).ok());
    ASSERT_TRUE(b.run(img.view(), p, fb2, two).ok());
    EXPECT_TRUE(check::compare_frames(fb, fa, {}, "2 threads against 1" + test::seed_note(seed)));
    EXPECT_TRUE(check::compare_frames(fb2, fb, {}, "second run" + test::seed_note(seed)));
}

}  // namespace
}  // namespace kizuna::stages
