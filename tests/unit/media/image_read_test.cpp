// read_image on files made by the ffmpeg tool, checked against ffmpeg's own decode or against
// values computed here.
#include <gtest/gtest.h>

#include <cmath>

#include "kizuna/media.hpp"
#include "media_test_support.hpp"

namespace kizuna::test {
namespace {

const std::string kTestsrc =
    "-f lavfi -i testsrc2=size=68x44,format=rgb24,crop=67:43:0:0 -frames:v 1 ";

struct LosslessCase {
    const char* name;
    const char* ffmpeg_args;  // after the input, before the output file
    const char* ext;
};

void PrintTo(const LosslessCase& c, std::ostream* os) {
    *os << c.name;
}

class LosslessRead : public ::testing::TestWithParam<LosslessCase> {};

// Every 8-bit lossless layout decodes to exactly what ffmpeg itself decodes.
TEST_P(LosslessRead, MatchesFfmpegDecodeExactly) {
    const LosslessCase& c = GetParam();
    TempDir dir;
    const fs::path file = ffmpeg_to(dir / (std::string("in.") + c.ext), kTestsrc + c.ffmpeg_args);
    auto img = read_image(file);
    ASSERT_TRUE(img.ok()) << img.error().message;
    EXPECT_EQ(img->width(), 67);
    EXPECT_EQ(img->height(), 43);
    ASSERT_EQ(img->format(), PixelFormat::rgba8) << c.name;
    EXPECT_EQ(img->color().matrix, ColorMatrix::rgb);
    EXPECT_EQ(img->color().range, ColorRange::full);
    const auto raw = ffmpeg_decode_raw(file, "rgba", dir / "ref.rgba");
    EXPECT_TRUE(equals_raw_rgba8(img->view(), raw)) << c.name;
}

// Alpha plane with varied values for the fixtures that keep alpha.
#define KZ_ALPHA_FILTER \
    "-vf \"format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='mod(X*7+Y*13,256)'\" "

INSTANTIATE_TEST_SUITE_P(
    Formats, LosslessRead,
    ::testing::Values(LosslessCase{"png rgb24", "-pix_fmt rgb24", "png"},
                      LosslessCase{"png rgba", KZ_ALPHA_FILTER "-pix_fmt rgba", "png"},
                      LosslessCase{"png gray", "-pix_fmt gray", "png"},
                      LosslessCase{"png gray+alpha", KZ_ALPHA_FILTER "-pix_fmt ya8", "png"},
                      LosslessCase{"png palette", "-pix_fmt pal8", "png"},
                      LosslessCase{"bmp", "-pix_fmt bgr24", "bmp"},
                      LosslessCase{"bmp palette", "-pix_fmt pal8", "bmp"},
                      LosslessCase{"tiff", "-pix_fmt rgb24", "tiff"},
                      LosslessCase{"tiff rgba", KZ_ALPHA_FILTER "-pix_fmt rgba", "tif"},
                      LosslessCase{"tga", "-pix_fmt bgra", "tga"},
                      LosslessCase{"gif", "-pix_fmt pal8", "gif"},
                      LosslessCase{"webp lossless", "-c:v libwebp -lossless 1", "webp"}),
    [](const auto& info) {
        std::string n = info.param.name;
        for (char& ch : n) {
            if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
        }
        return n;
    });

TEST(ReadImage, GrayPngExpandsToEqualChannelsAndOpaqueAlpha) {
    TempDir dir;
    ffmpeg(kTestsrc + "-pix_fmt gray '" + (dir / "g.png").string() + "'");
    auto img = read_image(dir / "g.png");
    ASSERT_TRUE(img.ok()) << img.error().message;
    bool varied = false;
    for (int y = 0; y < img->height(); ++y) {
        const uint8_t* p = img->view().row_as<const uint8_t>(y);
        for (int x = 0; x < img->width(); ++x) {
            ASSERT_EQ(p[x * 4 + 0], p[x * 4 + 1]) << x << "," << y;
            ASSERT_EQ(p[x * 4 + 0], p[x * 4 + 2]) << x << "," << y;
            ASSERT_EQ(p[x * 4 + 3], 255) << x << "," << y;
            varied |= p[x * 4] != p[0];
        }
    }
    EXPECT_TRUE(varied);
}

// Has the ffmpeg tool read `raw` as a w x h picture of `pix_fmt` and write it with
// `encode_args` into the file `name` in `dir`; returns that file.
fs::path ffmpeg_from_raw(const TempDir& dir, const std::vector<uint8_t>& raw,
                         const std::string& pix_fmt, int w, int h, const std::string& encode_args,
                         const std::string& name) {
    const fs::path in = dir / ("in." + pix_fmt);
    write_bytes(in, raw);
    return ffmpeg_to(dir / name, "-f rawvideo -pix_fmt " + pix_fmt + " -s " + std::to_string(w) +
                                     "x" + std::to_string(h) + " -i '" + in.string() +
                                     "' -frames:v 1 " + encode_args);
}

// 16-bit data written by ffmpeg from raw values chosen here comes back exactly as v / 65535.
TEST(ReadImage, SixteenBitPngIsExactRgba32f) {
    TempDir dir;
    const int w = 67, h = 43;
    std::vector<uint8_t> raw(static_cast<size_t>(w) * h * 6);
    std::mt19937 rng(1234);
    for (auto& b : raw) b = static_cast<uint8_t>(rng());
    auto img =
        read_image(ffmpeg_from_raw(dir, raw, "rgb48le", w, h, "-pix_fmt rgb48be", "deep.png"));
    ASSERT_TRUE(img.ok()) << img.error().message;
    ASSERT_EQ(img->format(), PixelFormat::rgba32f);
    for (int y = 0; y < h; ++y) {
        const float* p = img->view().row_as<const float>(y);
        for (int x = 0; x < w; ++x) {
            for (int c = 0; c < 3; ++c) {
                const size_t i = (static_cast<size_t>(y) * w + x) * 6 + c * 2;
                const int v = raw[i] | raw[i + 1] << 8;
                ASSERT_EQ(std::lrint(p[x * 4 + c] * 65535.0f), v)
                    << "pixel " << x << "," << y << " channel " << c << " seed 1234";
                ASSERT_NEAR(p[x * 4 + c], v / 65535.0f, 1e-7f);
            }
            ASSERT_EQ(p[x * 4 + 3], 1.0f);
        }
    }
}

TEST(ReadImage, SixteenBitGrayAlphaPngKeepsAlpha) {
    TempDir dir;
    ffmpeg(kTestsrc + KZ_ALPHA_FILTER "-pix_fmt ya16be '" + (dir / "ya16.png").string() + "'");
    auto img = read_image(dir / "ya16.png");
    ASSERT_TRUE(img.ok()) << img.error().message;
    ASSERT_EQ(img->format(), PixelFormat::rgba32f);
    const auto raw = ffmpeg_decode_raw(dir / "ya16.png", "rgba64le", dir / "ref.raw");
    ASSERT_EQ(raw.size(), 67u * 43u * 8u);
    for (int y = 0; y < 43; ++y) {
        for (int x = 0; x < 67; ++x) {
            for (int c = 0; c < 4; ++c) {
                const size_t i = (static_cast<size_t>(y) * 67 + x) * 8 + c * 2;
                const int v = raw[i] | raw[i + 1] << 8;
                ASSERT_EQ(std::lrint(channel(img->view(), x, y, c) * 65535.0f), v)
                    << x << "," << y << " c" << c;
            }
        }
    }
}

// Full-range YCbCr as JPEG stores it, with BT.601 coefficients (Kr 0.299, Kb 0.114).
std::array<float, 3> bt601_full_to_rgb(int y, int cb, int cr) {
    const double kr = 0.299, kb = 0.114, kg = 1 - kr - kb;
    const double Y = y / 255.0, pb = (cb - 128) / 255.0, pr = (cr - 128) / 255.0;
    const double r = Y + 2 * (1 - kr) * pr;
    const double b = Y + 2 * (1 - kb) * pb;
    const double g = (Y - kr * r - kb * b) / kg;
    auto clamp = [](double v) { return static_cast<float>(std::clamp(v, 0.0, 1.0)); };
    return {clamp(r), clamp(g), clamp(b)};
}

TEST(ReadImage, JpegSolidColourUsesFullRangeBt601) {
    struct Yuv {
        int y, cb, cr;
    };
    for (const Yuv c : {Yuv{120, 90, 180}, Yuv{200, 160, 100}, Yuv{60, 128, 128}}) {
        TempDir dir;
        std::vector<uint8_t> raw(16 * 16 * 3);
        std::fill(raw.begin(), raw.begin() + 256, c.y);
        std::fill(raw.begin() + 256, raw.begin() + 512, c.cb);
        std::fill(raw.begin() + 512, raw.end(), c.cr);
        auto img = read_image(
            ffmpeg_from_raw(dir, raw, "yuvj444p", 16, 16, "-qmin 1 -q:v 1", "solid.jpg"));
        ASSERT_TRUE(img.ok()) << img.error().message;
        ASSERT_EQ(img->format(), PixelFormat::rgba8);
        EXPECT_EQ(img->color().range, ColorRange::full);
        EXPECT_TRUE(img->color().matrix == ColorMatrix::bt470bg ||
                    img->color().matrix == ColorMatrix::bt601);
        const auto want = bt601_full_to_rgb(c.y, c.cb, c.cr);
        for (int y = 0; y < 16; ++y) {
            for (int x = 0; x < 16; ++x) {
                for (int ch = 0; ch < 3; ++ch) {
                    ASSERT_NEAR(channel(img->view(), x, y, ch), want[ch], 2.0f / 255)
                        << "YCbCr " << c.y << "," << c.cb << "," << c.cr << " pixel " << x << ","
                        << y << " channel " << ch;
                }
                ASSERT_EQ(channel(img->view(), x, y, 3), 1.0f);
            }
        }
    }
}

// Has the ffmpeg tool encode the RGBA8 picture `src` (given to it as raw pixels) with
// `encode_args` into the file `name` in `dir`; returns that file.
fs::path ffmpeg_encode(const TempDir& dir, const Image& src, const std::string& encode_args,
                       const std::string& name) {
    std::vector<uint8_t> raw;
    for (int y = 0; y < src.height(); ++y) {
        const uint8_t* p = src.view().row_as<const uint8_t>(y);
        raw.insert(raw.end(), p, p + src.width() * 4);
    }
    return ffmpeg_from_raw(dir, raw, "rgba", src.width(), src.height(), encode_args, name);
}

// A 4:2:0 JPEG of a smooth picture decodes close to the picture. Even size: the ffmpeg tool's
// own RGB -> 4:2:0 conversion misplaces the chroma of an odd last column.
// A w x h gradient encoded by the ffmpeg tool with `encode_args` into `name` reads back within
// `levels` 8-bit levels of itself.
void expect_reads_close_to_source(int w, int h, const std::string& encode_args,
                                  const std::string& name, float levels) {
    TempDir dir;
    Image src = gradient_rgba8(w, h);
    auto img = read_image(ffmpeg_encode(dir, src, encode_args, name));
    ASSERT_TRUE(img.ok()) << img.error().message;
    EXPECT_LE(max_abs_diff(img->view(), src.view()), levels / 255) << name;
}

TEST(ReadImage, Yuvj420JpegIsCloseToItsSource) {
    expect_reads_close_to_source(66, 42, "-pix_fmt yuvj420p -q:v 2", "g.jpg", 6.0f);
}

TEST(ReadImage, LossyWebpIsCloseToItsSource) {
    expect_reads_close_to_source(67, 43, "-c:v libwebp -quality 95", "g.webp", 8.0f);
}

// The format is recognised from the content: a PNG named .jpg still reads, and a '%' in the
// name is not an image-sequence pattern.
TEST(ReadImage, FormatComesFromContentNotName) {
    TempDir dir;
    const fs::path file = dir / "frame%03d.jpg";
    ffmpeg(kTestsrc + "-f image2 -c:v png -update 1 '" + (dir / "plain.png").string() + "'");
    fs::copy_file(dir / "plain.png", file);
    auto img = read_image(file);
    ASSERT_TRUE(img.ok()) << img.error().message;
    const auto raw = ffmpeg_decode_raw(dir / "plain.png", "rgba", dir / "ref.rgba");
    EXPECT_TRUE(equals_raw_rgba8(img->view(), raw));
}

}  // namespace
}  // namespace kizuna::test
