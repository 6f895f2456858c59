// VideoReader: frame count, timestamps and colour conversion on videos made by the ffmpeg tool.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>

#include "alloc_counter.hpp"
#include "kizuna/media.hpp"
#include "media_test_support.hpp"

namespace kizuna::test {
namespace {

TEST(VideoReader, Mp4FrameCountTimestampsAndInfo) {
    TempDir dir;
    const fs::path file =
        ffmpeg_to(dir / "x.mp4",
                  "-f lavfi -i testsrc2=size=64x48:rate=10 -t 1 -pix_fmt yuv420p -c:v libx264");
    auto reader = VideoReader::open(file);
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    const VideoInfo& info = reader->info();
    EXPECT_EQ(info.width, 64);
    EXPECT_EQ(info.height, 48);
    EXPECT_DOUBLE_EQ(info.frame_rate.to_double(), 10.0);
    EXPECT_GT(info.time_base.den, 0);
    EXPECT_NEAR(info.duration_s, 1.0, 0.05);
    EXPECT_EQ(info.frame_count, 10);
    EXPECT_EQ(info.codec_name, "h264");
    EXPECT_EQ(info.pixel_format_name, "yuv420p");
    EXPECT_EQ(info.bits_per_channel, 8);

    Image frame;
    VideoFrameInfo fi;
    int n = 0;
    for (;;) {
        auto r = reader->read_frame(frame, fi);
        ASSERT_TRUE(r.ok()) << r.error().message;
        if (!*r) break;
        EXPECT_EQ(fi.index, n);
        EXPECT_NEAR(fi.pts_s, n * 0.1, 1e-3) << "frame " << n;
        EXPECT_NEAR(static_cast<double>(fi.pts) * info.time_base.to_double(), fi.pts_s, 1e-9);
        EXPECT_EQ(frame.width(), 64);
        EXPECT_EQ(frame.format(), PixelFormat::rgba8);
        ++n;
    }
    EXPECT_EQ(n, 10);
    // The end is sticky.
    auto again = reader->read_frame(frame, fi);
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(*again);
}

// Y'CbCr -> R'G'B' from the matrix definition (Kr, Kb) and the range, in [0, 1].
std::array<float, 3> ycbcr_to_rgb(double kr, double kb, bool full, double y, double cb, double cr,
                                  double max) {
    const double scale = max / 255.0;  // 8-bit code values scaled to the bit depth
    double Y, pb, pr;
    if (full) {
        Y = y / max;
        pb = (cb - 128 * scale) / max;
        pr = (cr - 128 * scale) / max;
    } else {
        Y = (y - 16 * scale) / (219 * scale);
        pb = (cb - 128 * scale) / (224 * scale);
        pr = (cr - 128 * scale) / (224 * scale);
    }
    const double r = Y + 2 * (1 - kr) * pr;
    const double b = Y + 2 * (1 - kb) * pb;
    const double g = (Y - kr * r - kb * b) / (1 - kr - kb);
    auto clamp = [](double v) { return static_cast<float>(std::clamp(v, 0.0, 1.0)); };
    return {clamp(r), clamp(g), clamp(b)};
}

// Reads reader to its end and checks every frame: the output format, the range tag, the matrix
// tag when given, and every pixel equal to want (within 2/255) and opaque. Returns the count.
int expect_solid_frames(VideoReader& reader, const std::array<float, 3>& want, PixelFormat format,
                        ColorRange range, std::optional<ColorMatrix> matrix,
                        const std::string& what) {
    Image out;
    VideoFrameInfo fi;
    int n = 0;
    for (;;) {
        auto r = reader.read_frame(out, fi);
        EXPECT_TRUE(r.ok()) << what << ": " << r.error().message;
        if (!r.ok() || !*r) break;
        ++n;
        EXPECT_EQ(out.format(), format) << what;
        EXPECT_EQ(out.color().range, range) << what;
        if (matrix) {
            EXPECT_EQ(out.color().matrix, *matrix) << what;
        }
        for (int y = 0; y < out.height(); ++y) {
            for (int x = 0; x < out.width(); ++x) {
                for (int ch = 0; ch < 3; ++ch) {
                    const float v = channel(out.view(), x, y, ch);
                    if (std::fabs(v - want[ch]) > 2.0f / 255) {
                        ADD_FAILURE() << what << " frame " << n << " pixel " << x << "," << y
                                      << " channel " << ch << ": " << v << ", want " << want[ch];
                        return n;
                    }
                }
                if (channel(out.view(), x, y, 3) != 1.0f) {
                    ADD_FAILURE() << what << " frame " << n << " pixel " << x << "," << y
                                  << ": not opaque";
                    return n;
                }
            }
        }
    }
    return n;
}

struct SolidCase {
    const char* name;
    const char* colorspace;  // ffmpeg -colorspace value
    bool full;               // -color_range pc (else tv)
    double kr, kb;
    ColorMatrix matrix;
    int bits;                         // 8 or 10
    const char* codec = "-c:v ffv1";  // a lossless encoder
    const char* ext = "mkv";
};

void PrintTo(const SolidCase& c, std::ostream* os) {
    *os << c.name;
}

class SolidVideo : public ::testing::TestWithParam<SolidCase> {};

// Solid Y'CbCr frames stored losslessly (FFV1 in Matroska) with colour tags decode to the colour
// the matrix and range define, within 2/255.
TEST_P(SolidVideo, DecodesToTheTaggedMatrixAndRange) {
    const SolidCase& c = GetParam();
    TempDir dir;
    const int w = 64, h = 48, frames = 3;
    const int y8 = 150, cb8 = 90, cr8 = 170;
    const int shift = c.bits - 8;
    std::vector<uint8_t> raw;
    auto put = [&](int v8, int count) {
        for (int i = 0; i < count; ++i) {
            if (c.bits == 8) {
                raw.push_back(static_cast<uint8_t>(v8));
            } else {
                const int v = v8 << shift;
                raw.push_back(static_cast<uint8_t>(v));
                raw.push_back(static_cast<uint8_t>(v >> 8));
            }
        }
    };
    for (int f = 0; f < frames; ++f) {
        put(y8, w * h);
        put(cb8, w * h / 4);
        put(cr8, w * h / 4);
    }
    write_bytes(dir / "in.yuv", raw);
    const std::string pix = c.bits == 8 ? "yuv420p" : "yuv420p10le";
    const std::string range = c.full ? "pc" : "tv";
    const fs::path file =
        ffmpeg_to(dir / (std::string("solid.") + c.ext),
                  "-f rawvideo -pix_fmt " + pix + " -s 64x48 -r 10 -color_range " + range +
                      " -colorspace " + c.colorspace + " -i '" + (dir / "in.yuv").string() + "' " +
                      c.codec + " -color_range " + range + " -colorspace " + c.colorspace);
    auto reader = VideoReader::open(file);
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    EXPECT_EQ(reader->info().color.matrix, c.matrix) << c.name;
    EXPECT_EQ(reader->info().color.range, c.full ? ColorRange::full : ColorRange::limited);
    EXPECT_EQ(reader->info().bits_per_channel, c.bits);
    const double max = (1 << c.bits) - 1;
    const auto want =
        ycbcr_to_rgb(c.kr, c.kb, c.full, y8 << shift, cb8 << shift, cr8 << shift, max);
    const int n =
        expect_solid_frames(*reader, want, c.bits > 8 ? PixelFormat::rgba32f : PixelFormat::rgba8,
                            c.full ? ColorRange::full : ColorRange::limited, c.matrix, c.name);
    EXPECT_EQ(n, frames);
}

INSTANTIATE_TEST_SUITE_P(
    Matrices, SolidVideo,
    ::testing::Values(
        SolidCase{"bt709_limited", "bt709", false, 0.2126, 0.0722, ColorMatrix::bt709, 8},
        SolidCase{"bt601_limited", "smpte170m", false, 0.299, 0.114, ColorMatrix::bt601, 8},
        SolidCase{"bt709_full", "bt709", true, 0.2126, 0.0722, ColorMatrix::bt709, 8},
        SolidCase{"bt2020_limited", "bt2020nc", false, 0.2627, 0.0593, ColorMatrix::bt2020_ncl, 8},
        SolidCase{"bt709_limited_10bit", "bt709", false, 0.2126, 0.0722, ColorMatrix::bt709, 10},
        SolidCase{"bt709_limited_h264_mp4", "bt709", false, 0.2126, 0.0722, ColorMatrix::bt709, 8,
                  "-c:v libx264 -qp 0", "mp4"}),
    [](const auto& info) { return std::string(info.param.name); });

// Gray (4:0:0) video carries its range like Y'CbCr does: a limited-range code 150 is
// (150 - 16) / 219 = 0.612 on every channel, not 150 / 255 = 0.588; full range keeps 150 / 255.
// FFV1 stores the codes losslessly; 8 and 10 bits.
TEST(VideoReader, GrayVideoHonoursItsRange) {
    for (const bool full : {false, true}) {
        for (const int bits : {8, 10}) {
            TempDir dir;
            const int w = 32, h = 16, frames = 2, code8 = 150;
            const int code = code8 << (bits - 8);
            std::vector<uint8_t> raw;
            for (int i = 0; i < w * h * frames; ++i) {
                raw.push_back(static_cast<uint8_t>(code));
                if (bits > 8) raw.push_back(static_cast<uint8_t>(code >> 8));
            }
            write_bytes(dir / "in.raw", raw);
            const std::string range = full ? "pc" : "tv";
            const std::string pix = bits == 8 ? "gray" : "gray10le";
            const fs::path file = ffmpeg_to(
                dir / "gray.mkv", "-f rawvideo -pix_fmt " + pix + " -s 32x16 -r 10 -color_range " +
                                      range + " -i '" + (dir / "in.raw").string() +
                                      "' -c:v ffv1 -color_range " + range);
            auto reader = VideoReader::open(file);
            ASSERT_TRUE(reader.ok()) << reader.error().message;
            const std::string what = pix + (full ? " full" : " limited");
            EXPECT_EQ(reader->info().color.range, full ? ColorRange::full : ColorRange::limited)
                << what;
            const double max = (1 << bits) - 1;
            const auto want = static_cast<float>(full ? code / max
                                                      : (code - 16.0 * (1 << (bits - 8))) /
                                                            (219.0 * (1 << (bits - 8))));
            const int n = expect_solid_frames(
                *reader, {want, want, want}, bits > 8 ? PixelFormat::rgba32f : PixelFormat::rgba8,
                full ? ColorRange::full : ColorRange::limited, std::nullopt, what);
            EXPECT_EQ(n, frames) << what;
        }
    }
}

// After the first frames, decoding reuses the output image and allocates nothing of ours.
TEST(VideoReader, SteadyStateReusesTheOutputImage) {
    TempDir dir;
    const fs::path file = ffmpeg_to(
        dir / "x.mkv", "-f lavfi -i testsrc2=size=64x48:rate=10 -t 1 -pix_fmt yuv420p -c:v ffv1");
    auto reader = VideoReader::open(file);
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    Image out;
    VideoFrameInfo fi;
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(*reader->read_frame(out, fi));
    const std::byte* data = out.data();
    const long before = allocation_count();
    for (int i = 0; i < 5; ++i) {
        auto r = reader->read_frame(out, fi);
        ASSERT_TRUE(r.ok() && *r);
    }
    const long after = allocation_count();
    EXPECT_EQ(out.data(), data);
    EXPECT_EQ(after - before, 0) << "operator new calls during 5 steady-state frames";
}

TEST(VideoReader, MovedReaderKeepsDecoding) {
    TempDir dir;
    const fs::path file =
        ffmpeg_to(dir / "x.mkv", "-f lavfi -i testsrc2=size=32x16:rate=5 -t 1 -c:v ffv1");
    auto opened = VideoReader::open(file);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    VideoReader a = std::move(*opened);
    Image out;
    VideoFrameInfo fi;
    ASSERT_TRUE(*a.read_frame(out, fi));
    VideoReader b = std::move(a);
    EXPECT_EQ(a.info().width, 0);
    int n = 1;
    while (*b.read_frame(out, fi)) ++n;
    EXPECT_EQ(n, 5);
    EXPECT_EQ(fi.index, 4);
    EXPECT_FALSE(a.read_frame(out, fi).ok());
}

}  // namespace
}  // namespace kizuna::test
