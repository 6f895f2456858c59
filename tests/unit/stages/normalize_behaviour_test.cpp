// Stage 1 behaviour: identity at neutral parameters, alpha handling, Y'CbCr decoding against the
// textbook formulas, chroma siting, denoise and linear light.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "core/half.hpp"
#include "kizuna/image.hpp"
#include "kizuna/yuv.hpp"
#include "stages/planar.hpp"
#include "stages/ref/normalize.hpp"

namespace kizuna::stages {
namespace {

Image random_rgba8(int w, int h, uint32_t seed, bool opaque) {
    Image img = std::move(Image::create(w, h, PixelFormat::rgba8).value());
    std::mt19937 rng(seed);
    for (int y = 0; y < h; ++y) {
        auto* row = img.view().row_as<uint8_t>(y);
        for (int x = 0; x < 4 * w; ++x) row[x] = static_cast<uint8_t>(rng() & 0xff);
        if (opaque)
            for (int x = 0; x < w; ++x) row[4 * x + 3] = 255;
    }
    return img;
}

TEST(NormalizeBehaviour, NeutralParamsAreIdentityOnRgba8) {
    const Image img = random_rgba8(37, 21, 1, true);
    PlanarFrame out;
    ASSERT_TRUE(normalize_ref(img.view(), NormalizeParams{}, out).ok());
    ASSERT_EQ(out.width(), 37);
    ASSERT_EQ(out.height(), 21);
    EXPECT_FALSE(out.has_alpha()) << "an opaque picture needs no alpha plane";
    for (int y = 0; y < 21; ++y) {
        const auto* row = img.view().row_as<const uint8_t>(y);
        for (int x = 0; x < 37; ++x) {
            ASSERT_NEAR(out.r.row(y)[x], row[4 * x] / 255.0f, 1.0f / 255 / 4) << x << "," << y;
            ASSERT_NEAR(out.g.row(y)[x], row[4 * x + 1] / 255.0f, 1.0f / 255 / 4);
            ASSERT_NEAR(out.b.row(y)[x], row[4 * x + 2] / 255.0f, 1.0f / 255 / 4);
        }
    }
}

TEST(NormalizeBehaviour, TranslucentInputKeepsAlpha) {
    const Image img = random_rgba8(9, 7, 2, false);
    PlanarFrame out;
    ASSERT_TRUE(normalize_ref(img.view(), NormalizeParams{}, out).ok());
    ASSERT_TRUE(out.has_alpha());
    EXPECT_FLOAT_EQ(out.a.row(3)[4], img.view().row_as<const uint8_t>(3)[4 * 4 + 3] / 255.0f);
}

TEST(NormalizeBehaviour, FloatInputIsClampedAndNanBecomesZero) {
    Image img = std::move(Image::create(3, 1, PixelFormat::rgba32f).value());
    float* p = img.view().row_as<float>(0);
    const float vals[12] = {-0.5f, 0.25f, 2.0f, 1.0f, NAN,  0.5f,
                            0.75f, 1.0f,  1.0f, 0.0f, 0.5f, 1.0f};
    std::memcpy(p, vals, sizeof vals);
    PlanarFrame out;
    ASSERT_TRUE(normalize_ref(img.view(), NormalizeParams{}, out).ok());
    EXPECT_EQ(out.r.row(0)[0], 0.0f);
    EXPECT_EQ(out.g.row(0)[0], 0.25f);
    EXPECT_EQ(out.b.row(0)[0], 1.0f);
    EXPECT_EQ(out.r.row(0)[1], 0.0f);
    EXPECT_FALSE(out.has_alpha());
}

TEST(NormalizeBehaviour, Half16InputDecodes) {
    Image img = std::move(Image::create(1, 1, PixelFormat::rgba16f).value());
    uint16_t* p = img.view().row_as<uint16_t>(0);
    p[0] = float_to_half(0.5f);
    p[1] = float_to_half(0.125f);
    p[2] = float_to_half(1.0f);
    p[3] = float_to_half(1.0f);
    PlanarFrame out;
    ASSERT_TRUE(normalize_ref(img.view(), NormalizeParams{}, out).ok());
    EXPECT_EQ(out.r.row(0)[0], 0.5f);
    EXPECT_EQ(out.g.row(0)[0], 0.125f);
    EXPECT_EQ(out.b.row(0)[0], 1.0f);
}

// A w x h Y'CbCr picture with one colour everywhere.
struct YuvPicture {
    std::vector<uint8_t> y, u, v;
    YuvView view;
};

YuvPicture solid_yuv(int w, int h, int bits, ChromaSubsampling sub, int Y, int U, int V,
                     ColorMatrix m, ColorRange r) {
    YuvPicture p;
    p.view.width = w;
    p.view.height = h;
    p.view.bit_depth = bits;
    p.view.subsampling = sub;
    p.view.color.matrix = m;
    p.view.color.range = r;
    const int bps = bits > 8 ? 2 : 1;
    const int cw = p.view.chroma_width(), ch = p.view.chroma_height();
    p.y.resize(static_cast<size_t>(w) * h * bps);
    p.u.resize(static_cast<size_t>(cw) * ch * bps);
    p.v.resize(p.u.size());
    auto fill = [&](std::vector<uint8_t>& buf, int value) {
        for (size_t i = 0; i < buf.size() / bps; ++i) {
            if (bps == 1) {
                buf[i] = static_cast<uint8_t>(value);
            } else {
                const uint16_t s = static_cast<uint16_t>(value);
                std::memcpy(&buf[2 * i], &s, 2);
            }
        }
    };
    fill(p.y, Y);
    fill(p.u, U);
    fill(p.v, V);
    p.view.y = reinterpret_cast<const std::byte*>(p.y.data());
    p.view.u = reinterpret_cast<const std::byte*>(p.u.data());
    p.view.v = reinterpret_cast<const std::byte*>(p.v.data());
    p.view.y_stride = w * bps;
    p.view.u_stride = p.view.v_stride = cw * bps;
    return p;
}

struct ColourCase {
    ColorMatrix matrix;
    double kr, kb;
    ColorRange range;
    int bits;
};

TEST(NormalizeBehaviour, YuvDecodesWithTheFramesOwnMatrixAndRange) {
    const ColourCase cases[] = {
        {ColorMatrix::bt601, 0.299, 0.114, ColorRange::limited, 8},
        {ColorMatrix::bt601, 0.299, 0.114, ColorRange::full, 8},
        {ColorMatrix::bt709, 0.2126, 0.0722, ColorRange::limited, 8},
        {ColorMatrix::bt709, 0.2126, 0.0722, ColorRange::full, 10},
        {ColorMatrix::bt2020_ncl, 0.2627, 0.0593, ColorRange::limited, 10},
        {ColorMatrix::bt2020_ncl, 0.2627, 0.0593, ColorRange::full, 8},
    };
    // Code values chosen to give an in-gamut, clearly coloured result.
    for (const auto& c : cases) {
        const int s = 1 << (c.bits - 8);
        const int Y = 120 * s, U = 100 * s, V = 170 * s;
        YuvPicture p = solid_yuv(6, 4, c.bits, ChromaSubsampling::s420, Y, U, V, c.matrix, c.range);
        PlanarFrame out;
        ASSERT_TRUE(normalize_yuv_ref(p.view, NormalizeParams{}, out).ok());
        const double maxv = (1 << c.bits) - 1;
        double y, cb, cr;
        if (c.range == ColorRange::limited) {
            y = (Y - 16.0 * s) / (219.0 * s);
            cb = (U - 128.0 * s) / (224.0 * s);
            cr = (V - 128.0 * s) / (224.0 * s);
        } else {
            y = Y / maxv;
            cb = (U - (1 << (c.bits - 1))) / maxv;
            cr = (V - (1 << (c.bits - 1))) / maxv;
        }
        const double kg = 1 - c.kr - c.kb;
        const double r = y + 2 * (1 - c.kr) * cr;
        const double b = y + 2 * (1 - c.kb) * cb;
        const double g = (y - c.kr * r - c.kb * b) / kg;
        const std::string what = testing::PrintToString(static_cast<int>(c.matrix)) + " range " +
                                 testing::PrintToString(static_cast<int>(c.range)) + " bits " +
                                 testing::PrintToString(c.bits);
        EXPECT_NEAR(out.r.row(1)[2], r, 1e-5) << what;
        EXPECT_NEAR(out.g.row(1)[2], g, 1e-5) << what;
        EXPECT_NEAR(out.b.row(1)[2], b, 1e-5) << what;
    }
}

TEST(NormalizeBehaviour, LimitedRangeBlackAndWhite) {
    YuvPicture black = solid_yuv(2, 2, 8, ChromaSubsampling::s444, 16, 128, 128, ColorMatrix::bt709,
                                 ColorRange::limited);
    YuvPicture white = solid_yuv(2, 2, 10, ChromaSubsampling::s422, 940, 512, 512,
                                 ColorMatrix::bt709, ColorRange::limited);
    PlanarFrame a, b;
    ASSERT_TRUE(normalize_yuv_ref(black.view, NormalizeParams{}, a).ok());
    ASSERT_TRUE(normalize_yuv_ref(white.view, NormalizeParams{}, b).ok());
    EXPECT_NEAR(a.r.row(0)[0], 0.0f, 1e-6);
    EXPECT_NEAR(a.g.row(1)[1], 0.0f, 1e-6);
    EXPECT_NEAR(b.r.row(0)[0], 1.0f, 1e-6);
    EXPECT_NEAR(b.b.row(1)[1], 1.0f, 1e-6);
}

// 4:2:0 picture, grey luma, chroma Cr: left column of chroma = 128 - 64, right = 128 + 64.
// Returns the red channel of luma row 1 (x = 0..3).
std::vector<float> red_row_with_siting(ChromaLocation loc) {
    YuvPicture p = solid_yuv(4, 4, 8, ChromaSubsampling::s420, 128, 128, 128, ColorMatrix::bt709,
                             ColorRange::full);
    for (int j = 0; j < 2; ++j) {
        p.v[static_cast<size_t>(j) * 2 + 0] = 64;
        p.v[static_cast<size_t>(j) * 2 + 1] = 192;
    }
    p.view.color.chroma_location = loc;
    PlanarFrame out;
    EXPECT_TRUE(normalize_yuv_ref(p.view, NormalizeParams{}, out).ok());
    return {out.r.row(1)[0], out.r.row(1)[1], out.r.row(1)[2], out.r.row(1)[3]};
}

TEST(NormalizeBehaviour, ChromaSitingShiftsTheChroma) {
    // Expected Cr at luma x from bilinear interpolation at chroma x' = (x - offset) / 2.
    auto expect_red = [](double cr_code) {
        const double y = 128.0 / 255.0, cr = (cr_code - 128.0) / 255.0;
        return std::clamp(y + 2 * (1 - 0.2126) * cr, 0.0, 1.0);
    };
    const auto left = red_row_with_siting(ChromaLocation::left);
    // left: x = 1 sits halfway between chroma 0 and 1.
    EXPECT_NEAR(left[0], expect_red(64), 1e-5);
    EXPECT_NEAR(left[1], expect_red(128), 1e-5);
    EXPECT_NEAR(left[2], expect_red(192), 1e-5);
    const auto center = red_row_with_siting(ChromaLocation::center);
    // center: x = 1 is a quarter of the way from chroma 0 to 1; x = 2 three quarters.
    EXPECT_NEAR(center[1], expect_red(64 + 0.25 * 128), 1e-5);
    EXPECT_NEAR(center[2], expect_red(64 + 0.75 * 128), 1e-5);
    EXPECT_GT(left[1], center[1]) << "centre siting must move chroma right of left siting";
}

TEST(NormalizeBehaviour, VerticalSitingTopLeftVersusLeft) {
    auto column = [](ChromaLocation loc) {
        YuvPicture p = solid_yuv(2, 4, 8, ChromaSubsampling::s420, 128, 128, 128,
                                 ColorMatrix::bt709, ColorRange::full);
        p.v[0] = 64;   // chroma row 0
        p.v[1] = 192;  // chroma row 1
        p.view.color.chroma_location = loc;
        PlanarFrame out;
        EXPECT_TRUE(normalize_yuv_ref(p.view, NormalizeParams{}, out).ok());
        return std::vector<float>{out.r.row(0)[0], out.r.row(1)[0], out.r.row(2)[0]};
    };
    const auto tl = column(ChromaLocation::top_left);  // chroma rows at luma y = 0, 2
    const auto l = column(ChromaLocation::left);       // chroma rows at luma y = 0.5, 2.5
    auto red = [](double cr_code) {
        return std::clamp(128.0 / 255.0 + 2 * (1 - 0.2126) * (cr_code - 128.0) / 255.0, 0.0, 1.0);
    };
    EXPECT_NEAR(tl[1], red(128), 1e-5) << "top-left: luma row 1 is halfway between chroma rows";
    EXPECT_NEAR(l[1], red(96), 1e-5) << "left: luma row 1 is a quarter past chroma row 0";
    EXPECT_GT(tl[1], l[1]) << "top-left siting puts row 1 halfway, left siting a quarter";
    EXPECT_NEAR(tl[0], l[0], 1e-6) << "row 0 is clamped to chroma row 0 in both";
}

TEST(NormalizeBehaviour, DenoiseZeroIsIdentityAndPositiveSmoothsFlatNoiseButKeepsEdges) {
    const int w = 24, h = 16;
    Image img = std::move(Image::create(w, h, PixelFormat::rgba32f).value());
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0.0f, 0.01f);
    for (int y = 0; y < h; ++y) {
        float* row = img.view().row_as<float>(y);
        for (int x = 0; x < w; ++x) {
            const float base = x < w / 2 ? 0.2f : 0.8f;
            for (int c = 0; c < 3; ++c) row[4 * x + c] = base + noise(rng);
            row[4 * x + 3] = 1.0f;
        }
    }
    PlanarFrame plain, off, on;
    ASSERT_TRUE(normalize_ref(img.view(), NormalizeParams{}, plain).ok());
    NormalizeParams p0;
    p0.denoise_strength = 0.0f;
    p0.denoise_radius = 4;
    ASSERT_TRUE(normalize_ref(img.view(), p0, off).ok());
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) ASSERT_EQ(off.g.row(y)[x], plain.g.row(y)[x]);
    NormalizeParams p1;
    p1.denoise_strength = 1.0f;
    p1.denoise_radius = 3;
    ASSERT_TRUE(normalize_ref(img.view(), p1, on).ok());
    double dev_in = 0, dev_out = 0;
    for (int y = 2; y < h - 2; ++y) {
        for (int x = 2; x < w / 2 - 3; ++x) {
            dev_in += std::fabs(plain.g.row(y)[x] - 0.2f);
            dev_out += std::fabs(on.g.row(y)[x] - 0.2f);
        }
    }
    EXPECT_LT(dev_out, dev_in * 0.6) << "flat noise must be reduced";
    for (int y = 0; y < h; ++y) {
        EXPECT_LT(on.g.row(y)[w / 2 - 1], 0.3f) << "edge must stay sharp at row " << y;
        EXPECT_GT(on.g.row(y)[w / 2], 0.7f) << "edge must stay sharp at row " << y;
    }
}

TEST(NormalizeBehaviour, LinearLightAppliesTheInverseTransfer) {
    Image img = std::move(Image::create(4, 1, PixelFormat::rgba8).value());
    auto* row = img.view().row_as<uint8_t>(0);
    const uint8_t v[4] = {0, 10, 128, 255};
    for (int x = 0; x < 4; ++x) {
        row[4 * x] = row[4 * x + 1] = row[4 * x + 2] = v[x];
        row[4 * x + 3] = 255;
    }
    NormalizeParams p;
    p.linear_light = true;
    PlanarFrame out;
    ASSERT_TRUE(normalize_ref(img.view(), p, out).ok());
    for (int x = 0; x < 4; ++x) {
        const double e = v[x] / 255.0;
        const double lin = e <= 0.04045 ? e / 12.92 : std::pow((e + 0.055) / 1.055, 2.4);
        EXPECT_NEAR(out.r.row(0)[x], lin, 1e-6) << "code " << int(v[x]);
    }
    // BT.709 transfer for video flagged bt709.
    YuvPicture yp = solid_yuv(2, 2, 8, ChromaSubsampling::s444, 128, 128, 128, ColorMatrix::bt709,
                              ColorRange::full);
    yp.view.color.transfer = ColorTransfer::bt709;
    ASSERT_TRUE(normalize_yuv_ref(yp.view, p, out).ok());
    const double e = 128.0 / 255.0;
    EXPECT_NEAR(out.g.row(0)[0], std::pow((e + 0.099) / 1.099, 1 / 0.45), 1e-5);
}

TEST(NormalizeBehaviour, RejectsBadYuv) {
    YuvPicture p =
        solid_yuv(4, 4, 8, ChromaSubsampling::s420, 1, 2, 3, ColorMatrix::bt709, ColorRange::full);
    PlanarFrame out;
    YuvView bad = p.view;
    bad.bit_depth = 12;
    EXPECT_FALSE(normalize_yuv_ref(bad, NormalizeParams{}, out).ok());
    bad = p.view;
    bad.u = nullptr;
    EXPECT_FALSE(normalize_yuv_ref(bad, NormalizeParams{}, out).ok());
    bad = p.view;
    bad.u_stride = 1;
    const auto r = normalize_yuv_ref(bad, NormalizeParams{}, out);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("u_stride"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace kizuna::stages
