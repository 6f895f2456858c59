// VideoReader::seek and AudioReader, as `kizuna play` uses them: a seek lands on the picture
// read_video_frame gives for the same time (from any position, backwards too, past a key frame),
// and the audio comes back at the rate and channel count asked, as long as the stream, starting
// where a seek put it.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "kizuna/media.hpp"
#include "media_test_support.hpp"

namespace kizuna::test {
namespace {

TEST(VideoReaderSeek, LandsOnThePictureShownAtTheTime) {
    TempDir dir;
    // A key frame every 10 pictures: seeks land between key frames and must decode forward.
    const fs::path file = ffmpeg_to(
        dir / "seek.mkv",
        "-f lavfi -i testsrc2=size=64x48:rate=10 -t 4 -pix_fmt yuv420p -c:v libx264 -g 10");
    auto reader = VideoReader::open(file);
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    Image frame;
    VideoFrameInfo fi;
    ASSERT_TRUE(reader->read_frame(frame, fi).value());
    const double origin = fi.pts_s;
    for (const double t : {2.35, 0.0, 3.9, 1.05, 1.0, 0.55}) {
        ASSERT_TRUE(reader->seek(origin + t).ok()) << t;
        ASSERT_TRUE(reader->read_frame(frame, fi).value()) << t;
        VideoFrameInfo want;
        auto expected = read_video_frame(file, t, &want);
        ASSERT_TRUE(expected.ok()) << expected.error().message;
        EXPECT_NEAR(fi.pts_s, want.pts_s, 1e-9) << "seek to " << t;
        EXPECT_EQ(fi.index, want.index) << "seek to " << t;
        EXPECT_EQ(max_abs_diff(frame.view(), expected->view()), 0.0f) << "seek to " << t;
        // Reading goes on from there (the last picture, 3.9 s, has none after it).
        const bool more = reader->read_frame(frame, fi).value();
        EXPECT_EQ(more, t < 3.85) << "after the seek to " << t;
        if (more) {
            EXPECT_NEAR(fi.pts_s - want.pts_s, 0.1, 1e-3) << "after the seek to " << t;
        }
    }
    // Past the end: the last picture, then the end.
    ASSERT_TRUE(reader->seek(origin + 100).ok());
    ASSERT_TRUE(reader->read_frame(frame, fi).value());
    EXPECT_NEAR(fi.pts_s - origin, 3.9, 1e-3);
    EXPECT_FALSE(reader->read_frame(frame, fi).value());
    EXPECT_EQ(reader->seek(NAN).error().code, Errc::invalid_argument);
}

TEST(AudioReader, ResamplesToTheRateAskedAndSeeks) {
    TempDir dir;
    const fs::path file =
        ffmpeg_to(dir / "tone.mkv",
                  "-f lavfi -i testsrc2=size=64x48:rate=10 -f lavfi -i "
                  "sine=frequency=1000:sample_rate=44100 -t 2 -c:v libx264 -c:a flac -ac 1");
    auto reader = AudioReader::open(file, 48000, 2);
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    EXPECT_EQ(reader->info().source_sample_rate, 44100);
    EXPECT_EQ(reader->info().source_channels, 1);
    EXPECT_EQ(reader->info().codec_name, "flac");
    EXPECT_EQ(reader->sample_rate(), 48000);
    EXPECT_EQ(reader->channels(), 2);
    std::vector<float> chunk, all;
    double start = 0, first = -1;
    for (;;) {
        auto r = reader->read(chunk, start);
        ASSERT_TRUE(r.ok()) << r.error().message;
        if (!*r) break;
        if (first < 0) first = start;
        all.insert(all.end(), chunk.begin(), chunk.end());
    }
    EXPECT_NEAR(first, 0.0, 1e-3);
    const double frames = static_cast<double>(all.size()) / 2;
    EXPECT_NEAR(frames / 48000, 2.0, 0.01);
    // A 1 kHz tone: both channels equal, 1000 zero crossings upwards per second, FFmpeg's sine
    // peak of 1/8 spread over two channels at -3 dB each (libswresample's mono to stereo).
    float peak = 0;
    int ups = 0;
    for (size_t i = 0; i + 2 < all.size(); i += 2) {
        EXPECT_EQ(all[i], all[i + 1]);
        peak = std::max(peak, std::abs(all[i]));
        ups += all[i] < 0 && all[i + 2] >= 0;
    }
    EXPECT_NEAR(peak, 0.125 * std::sqrt(0.5), 0.005);
    EXPECT_NEAR(ups, 2000, 10);

    ASSERT_TRUE(reader->seek(1.5).ok());
    ASSERT_TRUE(reader->read(chunk, start).value());
    EXPECT_NEAR(start, 1.5, 1.0 / 48000 + 1e-6);
    size_t rest = chunk.size();
    while (reader->read(chunk, start).value()) rest += chunk.size();
    EXPECT_NEAR(static_cast<double>(rest) / 2 / 48000, 0.5, 0.01);

    auto none = AudioReader::open(dir / "tone.mkv", 1000, 2);
    EXPECT_EQ(none.error().code, Errc::invalid_argument);
    const fs::path silent =
        ffmpeg_to(dir / "silent.mkv", "-f lavfi -i testsrc2=size=64x48:rate=10 -t 1 -c:v libx264");
    auto no_audio = AudioReader::open(silent, 48000, 2);
    ASSERT_FALSE(no_audio.ok());
    EXPECT_EQ(no_audio.error().code, Errc::not_found);
    EXPECT_NE(no_audio.error().message.find("no audio stream"), std::string::npos);
}

}  // namespace
}  // namespace kizuna::test
