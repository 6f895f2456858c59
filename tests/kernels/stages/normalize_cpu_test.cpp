// checkasm-style: NormalizeCpu against normalize_ref / normalize_yuv_ref on random, all-zero and
// all-max inputs, odd sizes, every pixel format, 8- and 10-bit Y'CbCr of every subsampling,
// matrix, range and siting, and the corners of every parameter range.
// Tolerance: 1e-6 without denoise / linear light (same arithmetic), 1e-5 with them
// (polynomial exp / log2 in the fast path).
#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/half.hpp"
#include "stages/cpu/normalize.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/ref/normalize.hpp"

namespace kizuna::stages {
namespace {

enum class Fill { random, zeros, max };
const char* fill_name(Fill f) {
    return f == Fill::random ? "random" : f == Fill::zeros ? "zeros" : "max";
}

Image make_rgba(int w, int h, PixelFormat fmt, Fill fill, uint32_t seed) {
    Image img = std::move(Image::create(w, h, fmt).value());
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-0.2f, 1.2f);  // out of range on purpose
    for (int y = 0; y < h; ++y) {
        for (int i = 0; i < 4 * w; ++i) {
            float v = fill == Fill::zeros ? 0.0f : fill == Fill::max ? 1.0f : u(rng);
            if (fill == Fill::random && i % 4 == 3 && (rng() & 1)) v = 1.0f;  // mostly opaque
            switch (fmt) {
                case PixelFormat::rgba8:
                    img.view().row_as<uint8_t>(y)[i] = fill == Fill::random
                                                           ? static_cast<uint8_t>(rng() & 0xff)
                                                           : static_cast<uint8_t>(v * 255.0f);
                    break;
                case PixelFormat::rgba16f:
                    img.view().row_as<uint16_t>(y)[i] = float_to_half(v);
                    break;
                case PixelFormat::rgba32f:
                    img.view().row_as<float>(y)[i] = v;
                    break;
            }
        }
    }
    return img;
}

float max_diff(const PlanarFrame& a, const PlanarFrame& b) {
    float worst = 0.0f;
    const Plane* pa[4] = {&a.r, &a.g, &a.b, &a.a};
    const Plane* pb[4] = {&b.r, &b.g, &b.b, &b.a};
    for (int c = 0; c < (a.has_alpha() ? 4 : 3); ++c)
        for (int y = 0; y < a.height(); ++y)
            for (int x = 0; x < a.width(); ++x)
                worst = std::max(worst, std::fabs(pa[c]->row(y)[x] - pb[c]->row(y)[x]));
    return worst;
}

uint64_t hash_frame(const PlanarFrame& f) {
    uint64_t h = 1469598103934665603ull;
    for (const Plane* p : {&f.r, &f.g, &f.b})
        for (int y = 0; y < f.height(); ++y)
            for (int x = 0; x < f.width(); ++x) {
                uint32_t bits;
                std::memcpy(&bits, &p->row(y)[x], 4);
                h = (h ^ bits) * 1099511628211ull;
            }
    return h;
}

const std::pair<int, int> sizes[] = {{67, 43}, {1, 1}, {2, 3}, {17, 5}, {33, 2}};

TEST(NormalizeCpu, RgbaMatchesReference) {
    ThreadPool pool(2);
    NormalizeCpu fast;
    uint32_t seed = 100;
    for (auto [w, h] : sizes) {
        for (auto fmt : {PixelFormat::rgba8, PixelFormat::rgba16f, PixelFormat::rgba32f}) {
            for (Fill fill : {Fill::random, Fill::zeros, Fill::max}) {
                const Image img = make_rgba(w, h, fmt, fill, ++seed);
                // Denoise corners: off, mid strength at the smallest radius, full at the largest.
                for (auto [strength, radius] :
                     {std::pair{0.0f, 1}, std::pair{0.5f, 1}, std::pair{1.0f, 4}}) {
                    for (bool linear : {false, true}) {
                        NormalizeParams p;
                        p.denoise_strength = strength;
                        p.denoise_radius = radius;
                        p.linear_light = linear;
                        PlanarFrame ref, out;
                        ASSERT_TRUE(normalize_ref(img.view(), p, ref).ok());
                        ASSERT_TRUE(fast.run(img.view(), p, out, pool).ok());
                        const std::string what =
                            fmt::format("{}x{} {} {} seed {} strength {} radius {} linear {}", w, h,
                                        pixel_format_name(fmt), fill_name(fill), seed, strength,
                                        radius, linear);
                        ASSERT_EQ(ref.has_alpha(), out.has_alpha()) << what;
                        const float tol = (strength > 0 || linear) ? 1e-5f : 1e-6f;
                        ASSERT_LE(max_diff(ref, out), tol) << what;
                    }
                }
            }
        }
    }
}

// The RGBA8 decode divides by 255 with a corrected reciprocal on FMA targets: every byte value
// in every channel must give exactly v / 255.0f (tolerance 0), in whole vectors and in the tail.
TEST(NormalizeCpu, Rgba8EveryByteExact) {
    ThreadPool pool(2);
    NormalizeCpu fast;
    for (int w : {256, 263}) {
        const int h = 3;
        Image img = std::move(Image::create(w, h, PixelFormat::rgba8).value());
        for (int y = 0; y < h; ++y) {
            uint8_t* p = img.view().row_as<uint8_t>(y);
            for (int x = 0; x < w; ++x) {
                p[4 * x] = static_cast<uint8_t>(x + y);
                p[4 * x + 1] = static_cast<uint8_t>(255 - x);
                p[4 * x + 2] = static_cast<uint8_t>(x * 7 + y);
                p[4 * x + 3] = static_cast<uint8_t>(x * 3 + 2 * y);
            }
        }
        PlanarFrame out;
        ASSERT_TRUE(fast.run(img.view(), NormalizeParams{}, out, pool).ok());
        ASSERT_TRUE(out.has_alpha()) << "width " << w;
        const Plane* planes[4] = {&out.r, &out.g, &out.b, &out.a};
        for (int y = 0; y < h; ++y) {
            const uint8_t* p = img.view().row_as<const uint8_t>(y);
            for (int x = 0; x < w; ++x) {
                for (int c = 0; c < 4; ++c) {
                    const float want = static_cast<float>(p[4 * x + c]) / 255.0f;
                    ASSERT_EQ(std::bit_cast<uint32_t>(want),
                              std::bit_cast<uint32_t>(planes[c]->row(y)[x]))
                        << "width " << w << " channel " << c << " byte " << int{p[4 * x + c]}
                        << " at " << x << "," << y;
                }
            }
        }
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
    uint32_t seed = 900;
    for (int where : {-1, w - 1, -1, 5, 20, -1, -1, 3}) {
        Image img = make_rgba(w, h, PixelFormat::rgba8, Fill::random, ++seed);
        for (int y = 0; y < h; ++y) {
            uint8_t* p = img.view().row_as<uint8_t>(y);
            for (int x = 0; x < w; ++x) p[4 * x + 3] = 255;
        }
        if (where >= 0) img.view().row_as<uint8_t>(h / 2)[4 * where + 3] = 254;
        PlanarFrame ref;
        ASSERT_TRUE(normalize_ref(img.view(), NormalizeParams{}, ref).ok());
        ASSERT_TRUE(fast.run(img.view(), NormalizeParams{}, out, pool).ok());
        const std::string what = fmt::format("{}x{} seed {} translucent at {}", w, h, seed, where);
        ASSERT_EQ(ref.has_alpha(), out.has_alpha()) << what;
        ASSERT_EQ(max_diff(ref, out), 0.0f) << what;
    }
}

struct YuvBuffers {
    std::vector<uint8_t> y, u, v;
    YuvView view;
};

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
    auto fill_plane = [&](std::vector<uint8_t>& buf, ptrdiff_t stride, int rows) {
        buf.assign(static_cast<size_t>(stride) * rows, 0);
        for (size_t i = 0; i < buf.size() / bps; ++i) {
            const int v = fill == Fill::zeros ? 0
                          : fill == Fill::max ? maxv
                                              : static_cast<int>(rng() % (maxv + 1));
            if (bps == 1) {
                buf[i] = static_cast<uint8_t>(v);
            } else {
                // 10-bit: random junk in the top 6 bits must be ignored.
                const uint16_t s =
                    static_cast<uint16_t>(v | (fill == Fill::random ? (rng() & 0xfc00) : 0));
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
    uint32_t seed = 500;
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
                            YuvBuffers b = make_yuv(w, h, bits, sub, Fill::random, ++seed);
                            b.view.color.matrix = m;
                            b.view.color.range = range;
                            b.view.color.chroma_location = loc;
                            PlanarFrame ref, out;
                            ASSERT_TRUE(normalize_yuv_ref(b.view, NormalizeParams{}, ref).ok());
                            ASSERT_TRUE(fast.run_yuv(b.view, NormalizeParams{}, out, pool).ok());
                            ASSERT_LE(max_diff(ref, out), 1e-6f) << fmt::format(
                                "{}x{} bits {} sub {} matrix {} range {} loc {} seed {}", w, h,
                                bits, static_cast<int>(sub), static_cast<int>(m),
                                static_cast<int>(range), static_cast<int>(loc), seed);
                        }
                    }
                }
            }
        }
    }
    // Bigger odd size, every fill, denoise and linear corners.
    for (int bits : {8, 10}) {
        for (Fill fill : {Fill::random, Fill::zeros, Fill::max}) {
            for (auto sub : subs) {
                YuvBuffers b = make_yuv(67, 43, bits, sub, fill, ++seed);
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
                        ASSERT_LE(max_diff(ref, out), 1e-5f) << fmt::format(
                            "67x43 bits {} {} sub {} strength {} linear {} seed {}", bits,
                            fill_name(fill), static_cast<int>(sub), strength, linear, seed);
                    }
                }
            }
        }
    }
}

TEST(NormalizeCpu, DeterministicAcrossThreadCounts) {
    const Image img = make_rgba(67, 43, PixelFormat::rgba8, Fill::random, 77);
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
    EXPECT_EQ(hash_frame(fa), hash_frame(fb)) << "seed 77";
    EXPECT_EQ(hash_frame(fb), hash_frame(fb2)) << "seed 77, second run";
}

}  // namespace
}  // namespace kizuna::stages
