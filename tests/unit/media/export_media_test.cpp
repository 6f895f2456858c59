// The media pieces of the export on their own: output names, the RGB -> Y'CbCr packer against
// the matrix formulas, the output colour rule, the temporary output file, the source's packet
// routing, and read-back verification.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <optional>
#include <string>

extern "C" {
#include <libavutil/frame.h>
}

#include "media/av_ptr.hpp"
#include "media/output_color.hpp"
#include "media/output_target.hpp"
#include "media/output_verify.hpp"
#include "media/temp_output.hpp"
#include "media/video_source.hpp"
#include "media/yuv_packer.hpp"
#include "media_test_support.hpp"

namespace kizuna::test {
namespace {

using media::OutputTarget;

TEST(ExportOutputNames, FormDecidesVideoSequenceOrImage) {
    EXPECT_EQ(media::classify_output("a/ep.MKV").container, "matroska");
    EXPECT_EQ(media::classify_output("ep.mp4").container, "mp4");
    EXPECT_EQ(media::classify_output("ep.webm").container, "webm");
    EXPECT_EQ(media::classify_output("ep.mov").container, "mov");
    EXPECT_EQ(media::classify_output("f/%06d.png").form, OutputTarget::Form::sequence);
    EXPECT_EQ(media::classify_output("f/x%d.jpg").form, OutputTarget::Form::sequence);
    EXPECT_EQ(media::classify_output("f/100%%.png").form, OutputTarget::Form::image);
    EXPECT_EQ(media::classify_output("f/%s.png").form, OutputTarget::Form::image);
    EXPECT_EQ(media::classify_output("still.png").form, OutputTarget::Form::image);
    EXPECT_EQ(media::classify_output("x.avi").form, OutputTarget::Form::unknown);
    EXPECT_EQ(media::sequence_file_name("f/%06d.png", 7)->string(), "f/000007.png");
    EXPECT_EQ(media::sequence_file_name("f/%d-100%%.tif", 12)->string(), "f/12-100%.tif");
    EXPECT_FALSE(media::sequence_file_name("f/%d-%d.png", 1).ok());
    EXPECT_FALSE(media::sequence_file_name("f/plain.png", 1).ok());
}

// Y'CbCr of R'G'B' in [0, 1] from the matrix definition, limited or full range, `bits` deep.
std::array<double, 3> expected_ycc(double r, double g, double b, double kr, double kb, bool full,
                                   int bits) {
    const double y = kr * r + (1 - kr - kb) * g + kb * b;
    const double cb = (b - y) / (2 * (1 - kb));
    const double cr = (r - y) / (2 * (1 - kr));
    const double k = std::ldexp(1.0, bits - 8);
    if (full) {
        const double max = std::ldexp(1.0, bits) - 1;
        return {y * max, cb * max + std::ldexp(1.0, bits - 1),
                cr * max + std::ldexp(1.0, bits - 1)};
    }
    return {(16 + 219 * y) * k, (128 + 224 * cb) * k, (128 + 224 * cr) * k};
}

// Packs a flat colour and reads the centre sample of each plane.
std::array<int, 3> pack_flat(PixelFormat format, float r, float g, float b, AVPixelFormat dst,
                             AVColorSpace matrix, AVColorRange range) {
    auto img = Image::create(32, 16, format);
    EXPECT_TRUE(img.ok());
    for (int y = 0; y < 16; ++y) {
        for (int x = 0; x < 32; ++x) {
            if (format == PixelFormat::rgba8) {
                uint8_t* p = img->view().row_as<uint8_t>(y) + 4 * x;
                p[0] = static_cast<uint8_t>(std::lround(r * 255));
                p[1] = static_cast<uint8_t>(std::lround(g * 255));
                p[2] = static_cast<uint8_t>(std::lround(b * 255));
                p[3] = 255;
            } else {
                float* p = img->view().row_as<float>(y) + 4 * x;
                p[0] = r;
                p[1] = g;
                p[2] = b;
                p[3] = 1;
            }
        }
    }
    auto packer = media::YuvPacker::create(32, 16, dst, matrix, range, AVCHROMA_LOC_LEFT);
    EXPECT_TRUE(packer.ok());
    auto frame = packer->make_frame();
    EXPECT_TRUE(frame.ok());
    EXPECT_TRUE(packer->pack(img->view(), **frame).ok());
    const AVFrame& f = **frame;
    const bool deep = dst == AV_PIX_FMT_YUV420P10LE;
    const auto sample = [&](int plane, int x, int y) {
        const uint8_t* row = f.data[plane] + y * f.linesize[plane];
        return deep ? reinterpret_cast<const uint16_t*>(row)[x] : row[x];
    };
    return {sample(0, 16, 8), sample(1, 8, 4), sample(2, 8, 4)};
}

TEST(YuvPacker, FlatColoursMatchTheMatrixFormulas) {
    const float r = 0.8f, g = 0.3f, b = 0.1f;
    struct Case {
        PixelFormat in;
        AVPixelFormat out;
        AVColorSpace matrix;
        AVColorRange range;
        double kr, kb;
        bool full;
        int bits;
    } cases[] = {
        {PixelFormat::rgba8, AV_PIX_FMT_YUV420P, AVCOL_SPC_BT709, AVCOL_RANGE_MPEG, 0.2126, 0.0722,
         false, 8},
        {PixelFormat::rgba8, AV_PIX_FMT_YUV420P, AVCOL_SPC_SMPTE170M, AVCOL_RANGE_MPEG, 0.299,
         0.114, false, 8},
        {PixelFormat::rgba8, AV_PIX_FMT_YUV420P, AVCOL_SPC_BT709, AVCOL_RANGE_JPEG, 0.2126, 0.0722,
         true, 8},
        {PixelFormat::rgba32f, AV_PIX_FMT_YUV420P10LE, AVCOL_SPC_BT709, AVCOL_RANGE_MPEG, 0.2126,
         0.0722, false, 10},
        {PixelFormat::rgba32f, AV_PIX_FMT_YUV420P10LE, AVCOL_SPC_BT2020_NCL, AVCOL_RANGE_MPEG,
         0.2627, 0.0593, false, 10},
    };
    for (const Case& c : cases) {
        // RGBA8 rounds the colour to 8 bits first.
        const auto q = [&](float v) {
            return c.in == PixelFormat::rgba8 ? std::round(v * 255.0) / 255.0 : double{v};
        };
        const auto want = expected_ycc(q(r), q(g), q(b), c.kr, c.kb, c.full, c.bits);
        const auto got = pack_flat(c.in, r, g, b, c.out, c.matrix, c.range);
        for (int i = 0; i < 3; ++i) {
            EXPECT_NEAR(got[i], want[i], 1.0) << "matrix " << c.matrix << " range " << c.range
                                              << " bits " << c.bits << " plane " << i;
        }
    }
}

TEST(YuvPacker, AFrameStillHeldByTheEncoderIsNotOverwritten) {
    auto packer = media::YuvPacker::create(16, 16, AV_PIX_FMT_YUV420P, AVCOL_SPC_BT709,
                                           AVCOL_RANGE_MPEG, AVCHROMA_LOC_LEFT);
    ASSERT_TRUE(packer.ok());
    auto frame = packer->make_frame();
    ASSERT_TRUE(frame.ok());
    auto white = Image::create(16, 16, PixelFormat::rgba8);
    std::memset(white->data(), 255, static_cast<size_t>(white->stride()) * 16);
    ASSERT_TRUE(packer->pack(white->view(), **frame).ok());
    // A second reference, as an encoder keeps one.
    media::OwnedFrame held(av_frame_clone(frame->get()));
    auto black = Image::create(16, 16, PixelFormat::rgba8);
    std::memset(black->data(), 0, static_cast<size_t>(black->stride()) * 16);
    for (int y = 0; y < 16; ++y) black->view().row_as<uint8_t>(y)[3] = 255;
    ASSERT_TRUE(packer->pack(black->view(), **frame).ok());
    EXPECT_EQ(held->data[0][0], 235);     // still white
    EXPECT_EQ((*frame)->data[0][0], 16);  // the slot got the new picture
}

// The tags of a source stream as the colour rule reads them.
struct SourceTags {
    AVColorSpace matrix = AVCOL_SPC_UNSPECIFIED;
    AVColorRange range = AVCOL_RANGE_UNSPECIFIED;
    AVColorPrimaries primaries = AVCOL_PRI_UNSPECIFIED;
    AVColorTransferCharacteristic transfer = AVCOL_TRC_UNSPECIFIED;
    int height = 0;
    AVPixelFormat format = AV_PIX_FMT_YUV420P;
};

// One source, the output it becomes, and the output tags checked (unset: not checked here).
struct ColourCase {
    const char* what;
    SourceTags in;
    int out_height;
    bool subsampled;
    std::optional<AVColorSpace> matrix = std::nullopt;
    std::optional<AVColorRange> range = std::nullopt;
    std::optional<AVColorPrimaries> primaries = std::nullopt;
    std::optional<AVColorTransferCharacteristic> transfer = std::nullopt;
    std::optional<AVChromaLocation> chroma = std::nullopt;
};

TEST(ExportOutputColour, TheRuleForTagsAndUntaggedSources) {
    const ColourCase cases[] = {
        {.what = "untagged SD staying SD: BT.601 throughout (525-line primaries up to 480 lines)",
         .in = {.height = 480},
         .out_height = 480,
         .subsampled = true,
         .matrix = AVCOL_SPC_SMPTE170M,
         .range = AVCOL_RANGE_MPEG,
         .primaries = AVCOL_PRI_SMPTE170M,
         .transfer = AVCOL_TRC_BT709,
         .chroma = AVCHROMA_LOC_LEFT},
        {.what = "576 lines: 625-line primaries; upscaled to 1152 lines: the BT.709 matrix",
         .in = {.height = 576},
         .out_height = 1152,
         .subsampled = true,
         .matrix = AVCOL_SPC_BT709,
         .primaries = AVCOL_PRI_BT470BG},
        {.what = "tagged BT.601 (bt470bg) staying SD keeps its own code point; its tags are kept",
         .in = {AVCOL_SPC_BT470BG, AVCOL_RANGE_MPEG, AVCOL_PRI_BT470BG, AVCOL_TRC_GAMMA28, 576},
         .out_height = 576,
         .subsampled = true,
         .matrix = AVCOL_SPC_BT470BG,
         .transfer = AVCOL_TRC_GAMMA28},
        {.what = "BT.2020 stays BT.2020 at any size; full range stays full; 4:4:4 has no siting",
         .in = {AVCOL_SPC_BT2020_NCL, AVCOL_RANGE_JPEG, AVCOL_PRI_BT2020, AVCOL_TRC_SMPTE2084, 2160,
                AV_PIX_FMT_YUV420P10LE},
         .out_height = 480,
         .subsampled = false,
         .matrix = AVCOL_SPC_BT2020_NCL,
         .range = AVCOL_RANGE_JPEG,
         .primaries = AVCOL_PRI_BT2020,
         .transfer = AVCOL_TRC_SMPTE2084,
         .chroma = AVCHROMA_LOC_UNSPECIFIED},
        {.what = "yuvj is full range",
         .in = {.height = 720, .format = AV_PIX_FMT_YUVJ420P},
         .out_height = 720,
         .subsampled = true,
         .range = AVCOL_RANGE_JPEG},
        {.what = "RGB sources become limited",
         .in = {AVCOL_SPC_RGB, AVCOL_RANGE_JPEG, AVCOL_PRI_BT709, AVCOL_TRC_IEC61966_2_1, 720,
                AV_PIX_FMT_RGB24},
         .out_height = 1440,
         .subsampled = true,
         .range = AVCOL_RANGE_MPEG},
    };
    for (const ColourCase& c : cases) {
        AVCodecParameters p{};
        p.color_space = c.in.matrix;
        p.color_range = c.in.range;
        p.color_primaries = c.in.primaries;
        p.color_trc = c.in.transfer;
        p.height = c.in.height;
        p.format = c.in.format;
        const auto got = media::export_output_color(p, c.out_height, c.subsampled);
        if (c.matrix) {
            EXPECT_EQ(got.matrix, *c.matrix) << c.what;
        }
        if (c.range) {
            EXPECT_EQ(got.range, *c.range) << c.what;
        }
        if (c.primaries) {
            EXPECT_EQ(got.primaries, *c.primaries) << c.what;
        }
        if (c.transfer) {
            EXPECT_EQ(got.transfer, *c.transfer) << c.what;
        }
        if (c.chroma) {
            EXPECT_EQ(got.chroma, *c.chroma) << c.what;
        }
    }
}

TEST(TempOutput, CommitDiscardAndPartial) {
    TempDir dir;
    const fs::path target = dir / "out.mkv";
    {
        auto t = media::TempOutput::create(target);
        ASSERT_TRUE(t.ok()) << t.error().message;
        const fs::path temp = t->temp_path();
        EXPECT_TRUE(fs::exists(temp));
        EXPECT_EQ(temp.parent_path(), dir.path());
        ASSERT_TRUE(t->write(std::vector<uint8_t>{1, 2, 3}).ok());
        // Destroyed without commit: removed, and the target never appeared.
    }
    EXPECT_TRUE(fs::is_empty(dir.path()));
    auto t = media::TempOutput::create(target);
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE(t->write(std::vector<uint8_t>{7}).ok());
    ASSERT_TRUE(t->commit_as(dir / "out.partial.mkv").ok());
    EXPECT_FALSE(fs::exists(target));
    EXPECT_EQ(read_bytes(dir / "out.partial.mkv"), std::vector<uint8_t>{7});
    auto u = media::TempOutput::create(target);
    ASSERT_TRUE(u.ok());
    ASSERT_TRUE(u->write(std::vector<uint8_t>{9, 9}).ok());
    ASSERT_TRUE(u->close().ok());
    ASSERT_TRUE(u->sync().ok());
    ASSERT_TRUE(u->commit().ok());
    EXPECT_EQ(read_bytes(target), (std::vector<uint8_t>{9, 9}));
    auto missing = media::TempOutput::create(dir / "no/such/out.mkv");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST(VideoSource, PicturesInOrderAndEveryOtherPacketHandedOut) {
    TempDir dir;
    const fs::path file = ffmpeg_to(
        dir / "av.mkv",
        "-f lavfi -i testsrc2=size=64x48:rate=24 -f lavfi -i sine=sample_rate=48000 -t 0.5 "
        "-c:v libx264 -preset ultrafast -bf 2 -c:a flac");
    auto src = media::VideoSource::open(file, {});
    ASSERT_TRUE(src.ok()) << src.error().message;
    ASSERT_EQ(src->streams().size(), 2u);
    EXPECT_EQ(src->streams()[1].describe(), "stream #1 (audio, flac)");
    media::DecodedPicture pic;
    media::OwnedPacket packet;
    int64_t pictures = 0, audio = 0, last_pts = -1;
    for (;;) {
        auto got = src->read(pic, packet);
        ASSERT_TRUE(got.ok()) << got.error().message;
        if (*got == media::VideoSource::Got::end) break;
        if (*got == media::VideoSource::Got::packet) {
            ++audio;
            continue;
        }
        EXPECT_EQ(pic.index, pictures);
        EXPECT_GT(pic.pts, last_pts) << "pictures come in presentation order";
        EXPECT_NEAR(pic.duration, 41.67, 1.0);  // 1/24 s in Matroska's milliseconds
        EXPECT_EQ(pic.rgba.width(), 64);
        last_pts = pic.pts;
        ++pictures;
    }
    EXPECT_EQ(pictures, 12);
    const std::string count = [&] {
        std::string out;
        if (FILE* p = ::popen(("ffprobe -v error -count_packets -select_streams a:0 "
                               "-show_entries stream=nb_read_packets -of csv=p=0 '" +
                               file.string() + "'")
                                  .c_str(),
                              "r")) {
            char buf[64] = {};
            if (std::fgets(buf, sizeof buf, p)) out = buf;
            ::pclose(p);
        }
        return out;
    }();
    EXPECT_EQ(audio, std::stoll(count));
    EXPECT_NEAR(src->read_end_s(), 0.5, 0.05);
}

TEST(VerifyOutput, AMismatchIsAnErrorNamingIt) {
    TempDir dir;
    const fs::path file = ffmpeg_to(
        dir / "v.mkv",
        "-f lavfi -i testsrc2=size=64x48:rate=24 -f lavfi -i sine=sample_rate=48000 -t 0.5 "
        "-c:v libx264 -preset ultrafast -c:a flac");
    media::VerifyExpectation e;
    e.video_stream = 0;
    e.video_frames = 12;
    e.video_start_s = 0;
    e.video_end_s = 0.5;
    e.frame_s = 1.0 / 24;
    EXPECT_TRUE(media::verify_output(file, "v.mkv", e).ok());
    e.video_frames = 13;
    auto r = media::verify_output(file, "v.mkv", e);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("12 video frames in the output, 13 decoded from the input"),
              std::string::npos)
        << r.error().message;
    e.video_frames = 12;
    e.video_end_s = 0.6;
    EXPECT_FALSE(media::verify_output(file, "v.mkv", e).ok());
    e.video_end_s = 0.5;
    e.streams.push_back({1, "stream #1 (audio, flac)", 3, -1});
    r = media::verify_output(file, "v.mkv", e);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("stream #1 (audio, flac) has "), std::string::npos);
}

}  // namespace
}  // namespace kizuna::test
