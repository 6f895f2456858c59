// The media module against hostile input and careless output: the picture's header is known (and
// can be refused) before the picture is allocated, FFmpeg's own reason reaches the error, extra
// frames are reported, and writes go through links and keep an existing file's mode.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <string>

#include "../../integration/png_fixtures.hpp"
#include "kizuna/media.hpp"
#include "media_test_support.hpp"

namespace kizuna::test {
namespace {

void write_text(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary) << bytes;
}

TEST(ReadImageAdmission, SeesTheHeaderBeforeThePictureIsAllocated) {
    TempDir dir;
    const fs::path bomb = dir / "bomb.png";
    write_text(bomb, png_file(16000, 16000, 1, 0, png_raw_bytes(16000, 16000, 1)));
    ImageHeader seen;
    ImageReadOptions opts;
    opts.admit = [&](const ImageHeader& h) -> Result<void> {
        seen = h;
        return make_error(Errc::out_of_memory, "too big for the test");
    };
    auto r = read_image(bomb, opts);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::out_of_memory);
    EXPECT_EQ(r.error().message, "too big for the test") << "the refusal is returned as is";
    EXPECT_EQ(seen.width, 16000);
    EXPECT_EQ(seen.height, 16000);
    EXPECT_EQ(seen.bits_per_channel, 1);
    EXPECT_FALSE(seen.alpha);
    EXPECT_EQ(seen.codec, "png");
    EXPECT_EQ(seen.pixel_format, "monob");
    EXPECT_GE(seen.decoded_bytes, 16000u * 2000u);  // one bit per pixel
    EXPECT_LT(seen.decoded_bytes, 16000u * 2100u);
    EXPECT_EQ(seen.file_bytes, fs::file_size(bomb));
}

TEST(ReadImageAdmission, AdmittedPicturesDecodeAndReportTheirHeader) {
    TempDir dir;
    const fs::path p = ffmpeg_to(dir / "deep.png",
                                 "-f lavfi -i testsrc2=size=40x30 -pix_fmt rgba64be -frames:v 1");
    int calls = 0;
    ImageReadOptions opts;
    opts.admit = [&](const ImageHeader&) -> Result<void> {
        ++calls;
        return {};
    };
    ImageReadInfo info;
    auto r = read_image(p, opts, &info);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(r->width(), 40);
    EXPECT_EQ(info.header.width, 40);
    EXPECT_EQ(info.header.bits_per_channel, 16);
    EXPECT_TRUE(info.header.alpha);
    EXPECT_FALSE(info.more_frames);
}

TEST(ReadImageAdmission, MaxPixelsIsPassedToTheDecoder) {
    TempDir dir;
    const fs::path p = ffmpeg_to(dir / "in.png", "-f lavfi -i testsrc2=size=40x30 -frames:v 1");
    ImageReadOptions opts;
    opts.max_pixels = 40 * 30 / 2;
    EXPECT_FALSE(read_image(p, opts));
    opts.max_pixels = 64 * 64;
    EXPECT_TRUE(read_image(p, opts));
    opts.max_pixels = 0;
    EXPECT_EQ(read_image(p, opts).error().code, Errc::invalid_argument);
}

TEST(ReadImageReason, FfmpegsOwnReasonEndsTheMessage) {
    route_ffmpeg_log_to_kizuna(LogLevel::debug);
    TempDir dir;
    const fs::path huge = dir / "huge.png";
    write_text(huge, png_file(65535, 65535, 8, 2, 16));
    auto r = read_image(huge);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    EXPECT_NE(r.error().message.find("Picture size 65535x65535 is invalid"), std::string::npos)
        << r.error().message;
    const fs::path anim =
        ffmpeg_to(dir / "anim.webp", "-f lavfi -i testsrc2=size=32x24:rate=5 -frames:v 3 -loop 0");
    auto w = read_image(anim);
    ASSERT_FALSE(w);
    EXPECT_NE(w.error().message.find("unsupported chunk: ANIM"), std::string::npos)
        << w.error().message;
}

TEST(ReadImageFrames, AnimationsAndVideosReportMoreFrames) {
    TempDir dir;
    const fs::path gif = dir / "a.gif";
    const fs::path mp4 = dir / "v.mp4";
    const fs::path still = dir / "s.gif";
    ffmpeg("-f lavfi -i testsrc2=size=32x24:rate=5 -frames:v 3 '" + gif.string() + "'");
    ffmpeg("-f lavfi -i testsrc2=size=32x24:rate=5 -frames:v 4 -pix_fmt yuv420p '" + mp4.string() +
           "'");
    ffmpeg("-f lavfi -i testsrc2=size=32x24 -frames:v 1 '" + still.string() + "'");
    ImageReadInfo info;
    ASSERT_TRUE(read_image(gif, {}, &info));
    EXPECT_TRUE(info.more_frames);
    ASSERT_TRUE(read_image(mp4, {}, &info));
    EXPECT_TRUE(info.more_frames);
    EXPECT_EQ(info.frame_count, 4);
    ASSERT_TRUE(read_image(still, {}, &info));
    EXPECT_FALSE(info.more_frames);
}

TEST(ImageOutput, CapabilitiesFollowTheExtension) {
    EXPECT_TRUE(image_output_capabilities("a.PNG")->alpha);
    EXPECT_EQ(image_output_capabilities("a.tiff")->max_bit_depth, 16);
    EXPECT_FALSE(image_output_capabilities("a.jpg")->alpha);
    EXPECT_EQ(image_output_capabilities("a.webp")->max_bit_depth, 8);
    EXPECT_EQ(image_output_capabilities("a.bmp").error().code, Errc::unsupported);
    TempDir dir;
    EXPECT_EQ(check_image_output(dir / "x.xyz").error().code, Errc::unsupported);
    EXPECT_TRUE(check_image_output(dir / "x.png"));
}

TEST(WriteImageLinks, WritesThroughALinkAndKeepsTheMode) {
    TempDir dir;
    const fs::path target = dir / "target.png";
    write_text(target, "old");
    ASSERT_EQ(::chmod(target.c_str(), 0604), 0);
    fs::create_symlink("target.png", dir / "link.png");
    Image img = random_rgba8(8, 6, 1, false);
    ASSERT_TRUE(write_image(dir / "link.png", img.view()));
    EXPECT_TRUE(fs::is_symlink(dir / "link.png"));
    auto back = read_image(target);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->width(), 8);
    struct stat st {};
    ASSERT_EQ(::stat(target.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0604u);
    // A dangling link creates its target.
    fs::create_symlink("made.png", dir / "dangling.png");
    ASSERT_TRUE(write_image(dir / "dangling.png", img.view()));
    EXPECT_TRUE(fs::is_regular_file(dir / "made.png"));
    EXPECT_TRUE(fs::is_symlink(dir / "dangling.png"));
}

TEST(WriteImageLinks, NamesAtTheLimitGetAShortenedTemporaryName) {
    TempDir dir;
    // Built by append: GCC 12 reports a bogus -Warray-bounds on `std::string(251, 'x') + ".png"`
    // in this file (GCC bug 105329).
    const fs::path p = dir / std::string(251, 'x').append(".png");
    Image img = random_rgba8(8, 6, 2, false);
    auto r = write_image(p, img.view());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(read_image(p));
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir.path())) {
        (void)e;
        ++files;
    }
    EXPECT_EQ(files, 1);
}

}  // namespace
}  // namespace kizuna::test
