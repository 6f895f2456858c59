// `kizuna upscale VIDEO -o VIDEO`: what the peers lose (audio, subtitles, fonts, chapters,
// timestamps) must come out of the export unchanged, checked with ffprobe.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "cli_runner.hpp"
#include "export_fixtures.hpp"

namespace kizuna::test {
namespace {

namespace fs = std::filesystem;

// An MKV with H.264 video, two audio tracks (Opus, AAC), an SRT subtitle, a TTF font attachment,
// chapters, global and per-stream metadata and dispositions: 1 s at 24 fps, 96x64.
class RichMkv : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir();
        write_file(*dir_ / "subs.srt",
                   "1\n00:00:00,100 --> 00:00:00,400\nHello\n\n2\n00:00:00,500 --> "
                   "00:00:00,900\nWorld\n");
        write_file(*dir_ / "meta.txt",
                   ";FFMETADATA1\ntitle=Fixture title\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\n"
                   "END=500\ntitle=Opening\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=500\nEND=1000\n"
                   "title=Part B\n");
        input_ = *dir_ / "rich.mkv";
        ok_ = ffmpeg_ok(
            "-f lavfi -i testsrc2=size=96x64:rate=24 -f lavfi -i sine=frequency=440:sample_rate="
            "48000 -f lavfi -i sine=frequency=880:sample_rate=44100 -i '" +
            (*dir_ / "subs.srt") + "' -i '" + (*dir_ / "meta.txt") +
            "' -t 1 -map 0:v -map 1:a -map 2:a -map 3:s -map_metadata 4 -map_chapters 4 "
            "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a:0 libopus -c:a:1 aac -c:s srt "
            "-metadata:s:a:0 language=jpn -metadata:s:a:0 title=Main -metadata:s:a:1 "
            "language=eng -metadata:s:a:1 title=Commentary -metadata:s:s:0 language=eng "
            "-disposition:a:0 default -disposition:a:1 comment -disposition:s:0 forced "
            "-attach " +
            std::string(kFont) + " -metadata:s:t mimetype=application/x-truetype-font '" + input_ +
            "'");
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    void SetUp() override { ASSERT_TRUE(ok_) << "ffmpeg could not make the fixture"; }

    static TempDir* dir_;
    static std::string input_;
    static bool ok_;
};
TempDir* RichMkv::dir_ = nullptr;
std::string RichMkv::input_;
bool RichMkv::ok_ = false;

TEST_F(RichMkv, EveryStreamAttachmentAndChapterIsCopiedUnchanged) {
    const std::string out = *dir_ / "out.mkv";
    auto r = run_cli("upscale '" + input_ + "' -o '" + out +
                     "' --profile performance "
                     "--progress none");
    ASSERT_EQ(r.exit_code, 0) << r.err;

    // The same streams, in the same order, with the same tags and dispositions (the video's
    // codec stays H.264; its picture is new).
    EXPECT_EQ(stream_list(out), stream_list(input_));
    EXPECT_EQ(chapter_list(out), chapter_list(input_));
    EXPECT_EQ(trimmed(probe("-show_entries format_tags=title -of default=nw=1:nk=1", out)),
              "Fixture title");
    // Every copied packet: same timestamp, same bytes.
    for (const char* spec : {"a:0", "a:1", "s:0"}) {
        const auto in_packets = packet_hashes(input_, spec);
        EXPECT_FALSE(in_packets.empty()) << spec;
        EXPECT_EQ(packet_hashes(out, spec), in_packets) << spec;
    }
    // The font, byte for byte.
    const std::string font = *dir_ / "font.ttf";
    ASSERT_TRUE(ffmpeg_ok("-dump_attachment:t:0 '" + font + "' -i '" + out + "'") ||
                fs::exists(font));
    EXPECT_EQ(read_file(font), read_file(kFont));
    // The video: every input frame once, at its own time, twice the size.
    EXPECT_EQ(packet_pts(out, "v:0"), packet_pts(input_, "v:0"));
    EXPECT_EQ(count_packets(out, "v:0"), 24);
    EXPECT_EQ(stream_field(out, "v:0", "width"), "192");
    EXPECT_EQ(stream_field(out, "v:0", "height"), "128");
    // The summary names what happened to each stream, and nothing is left beside the output.
    EXPECT_NE(r.err.find("stream #4 (attachment, ttf, \"DejaVuSans.ttf\"): copied"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("verified"), std::string::npos) << r.err;
    for (const auto& e : fs::directory_iterator(dir_->path)) {
        EXPECT_EQ(e.path().filename().string().find(".kizuna-tmp"), std::string::npos);
    }
}

TEST_F(RichMkv, AContainerThatCannotHoldAStreamIsRefusedByName) {
    const std::string mp4 = *dir_ / "out.mp4";
    auto r = run_cli("upscale -p performance '" + input_ + "' -o '" + mp4 + "' --progress none");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("stream #3 (subtitle, subrip, eng) cannot be stored in MP4; write "
                         ".mkv"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(mp4));
    const std::string webm = *dir_ / "out.webm";
    r = run_cli("upscale -p performance '" + input_ + "' -o '" + webm + "' --progress none");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("WebM cannot hold h264 video"), std::string::npos) << r.err;
}

TEST_F(RichMkv, AudioIsReencodedOnlyWhenAsked) {
    const std::string out = *dir_ / "aac.mkv";
    auto r = run_cli("-q upscale -p performance '" + input_ + "' -o '" + out +
                     "' --audio-codec aac --audio-bitrate 96k --progress none");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(stream_field(out, "a:0", "codec_name"), "aac");
    EXPECT_EQ(stream_field(out, "a:1", "codec_name"), "aac");
    // Re-encoded audio keeps its start and length.
    const double in_start = std::stod(stream_field(input_, "a:0", "start_time"));
    const double out_start = std::stod(stream_field(out, "a:0", "start_time"));
    EXPECT_NEAR(out_start, in_start, 0.03);
    EXPECT_GT(count_packets(out, "a:0"), 40);  // about 1 s of 1024-sample frames at 48 kHz
    // Subtitles and the font are still copied.
    EXPECT_EQ(packet_hashes(out, "s:0"), packet_hashes(input_, "s:0"));
}

// A variable frame rate source: its irregular timestamps must survive (no frame dropped or
// duplicated to a constant rate).
TEST(ExportTimestamps, VariableFrameRateIsKept) {
    TempDir dir;
    const std::string in = dir / "vfr.mkv";
    ASSERT_TRUE(
        ffmpeg_ok("-f lavfi -i testsrc2=size=64x48:rate=24 -t 1 -vf "
                  "\"settb=1/1000,setpts='N*40+if(gte(N,8),60,0)+if(gte(N,16),25*(N-16),"
                  "0)'\" -fps_mode passthrough -c:v libx264 -preset ultrafast '" +
                  in + "'"));
    const auto in_pts = packet_pts(in, "v:0");
    ASSERT_GE(in_pts.size(), 20u);
    // The fixture is irregular: its frame intervals take more than one value.
    std::vector<int64_t> steps;
    for (size_t i = 1; i < in_pts.size(); ++i) steps.push_back(in_pts[i] - in_pts[i - 1]);
    std::sort(steps.begin(), steps.end());
    ASSERT_NE(steps.front(), steps.back());

    const std::string out = dir / "out.mkv";
    auto r = run_cli("-q upscale -p performance '" + in + "' -o '" + out + "' --progress none");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(packet_pts(out, "v:0"), in_pts);
}

// Streams that start at different, non-zero times keep their offsets (audio stays in sync).
TEST(ExportTimestamps, StreamStartOffsetsAreKept) {
    TempDir dir;
    const std::string in = dir / "offset.mkv";
    ASSERT_TRUE(
        ffmpeg_ok("-f lavfi -i testsrc2=size=64x48:rate=24 -t 1 -c:v libx264 -preset "
                  "ultrafast '" +
                  (dir / "v.mkv") + "'"));
    ASSERT_TRUE(
        ffmpeg_ok("-f lavfi -i sine=sample_rate=48000 -t 1 -c:a aac '" + (dir / "a.mka") + "'"));
    ASSERT_TRUE(ffmpeg_ok("-itsoffset 0.75 -i '" + (dir / "v.mkv") + "' -i '" + (dir / "a.mka") +
                          "' -map 0 -map 1 -c copy '" + in + "'"));
    const double in_v = std::stod(stream_field(in, "v:0", "start_time"));
    const double in_a = std::stod(stream_field(in, "a:0", "start_time"));
    ASSERT_GT(in_v - in_a, 0.5) << "the fixture's streams should start 0.75 s apart";
    for (const char* name : {"out.mkv", "out.mp4"}) {
        const std::string out = dir / name;
        auto r = run_cli("-q upscale -p performance '" + in + "' -o '" + out + "' --progress none");
        ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
        const double out_v = std::stod(stream_field(out, "v:0", "start_time"));
        const double out_a = std::stod(stream_field(out, "a:0", "start_time"));
        EXPECT_NEAR(out_v - out_a, in_v - in_a, 0.002) << name;
        EXPECT_NEAR(out_v, in_v, 0.002) << name;
    }
}

// Every encoder with the profile's default preset "medium" (which libsvtav1, libvpx-vp9 and
// libaom-av1 do not know by that name), in the containers that hold it.
TEST(ExportEncoders, EachEncoderWritesAVerifiedFile) {
    TempDir dir;
    // Opus audio for WebM and MKV, AAC for MP4 and MOV (which cannot hold Opus).
    const std::string opus = dir / "opus.mkv";
    const std::string aac = dir / "aac.mkv";
    for (const auto& [file, codec] : {std::pair{opus, "libopus"}, std::pair{aac, "aac"}}) {
        ASSERT_TRUE(
            ffmpeg_ok("-f lavfi -i testsrc2=size=64x48:rate=24 -f lavfi -i "
                      "sine=sample_rate=48000 -t 0.4 -c:v libx264 -preset ultrafast "
                      "-c:a " +
                      std::string(codec) + " '" + file + "'"));
    }
    const std::string& in = opus;
    const struct {
        const char* codec;
        const char* file;
        const char* probed;
        const std::string& input;
    } cases[] = {
        {"libx265", "x265.mp4", "hevc", aac},  {"libvpx-vp9", "vp9.webm", "vp9", opus},
        {"libsvtav1", "svt.mkv", "av1", opus}, {"libaom-av1", "aom.mkv", "av1", opus},
        {"ffv1", "ffv1.mkv", "ffv1", opus},    {"libx264", "x264.mov", "h264", aac},
    };
    for (const auto& c : cases) {
        const std::string out = dir / c.file;
        auto r = run_cli("upscale -p performance '" + c.input + "' -o '" + out +
                         "' --progress none --set "
                         "output.preset=medium --set output.video_codec=" +
                         c.codec);
        ASSERT_EQ(r.exit_code, 0) << c.codec << ": " << r.err;
        EXPECT_NE(r.err.find("verified"), std::string::npos) << c.codec;
        EXPECT_EQ(stream_field(out, "v:0", "codec_name"), c.probed) << c.codec;
        EXPECT_EQ(count_packets(out, "v:0"), count_packets(c.input, "v:0")) << c.codec;
        EXPECT_EQ(count_packets(out, "a:0"), count_packets(c.input, "a:0")) << c.codec;
    }
    // Settings an encoder would refuse are refused before any work.
    auto r = run_cli("upscale -p performance '" + in + "' -o '" + (dir / "bad.mkv") +
                     "' --set output.video_codec=libsvtav1 --set output.preset=14");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("is not a libsvtav1 preset"), std::string::npos) << r.err;
    r = run_cli("upscale -p performance '" + in + "' -o '" + (dir / "bad.mkv") +
                "' --encoder-opt no-such-option=1 --progress none");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("--encoder-opt no-such-option=1: libx264 has no option"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(dir / "bad.mkv"));
    // Options pass through, and a bit rate replaces the constant quality.
    r = run_cli("-q upscale -p performance '" + in + "' -o '" + (dir / "opt.mkv") +
                "' --encoder-opt tune=animation --bitrate 500k --progress none");
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace kizuna::test
