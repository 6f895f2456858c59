// Hostile and careless input, as a user meets it: numbers are parsed strictly, nothing from a file
// reaches the terminal raw, errors say FFmpeg's own reason, hints name real commands, and data the
// output cannot hold is never dropped silently. (Rows 4, 5, 9, 10, 13 and 14 of issue #13.)
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli_runner.hpp"
#include "png_fixtures.hpp"

namespace kizuna::test {
namespace {

namespace fs = std::filesystem;

// True when `s` holds a byte a terminal acts on: C0 controls but newline, and DEL.
bool has_raw_control(const std::string& s) {
    for (unsigned char c : s) {
        if ((c < 0x20 && c != '\n') || c == 0x7F) return true;
    }
    return false;
}

class InputSafety : public StillInputTest {
protected:
    InputSafety() : StillInputTest("32x24") {}
    // The shader-only profile unless `extra` names one: these checks are about input, not AI.
    CliResult upscale(const std::string& extra, const std::string& out = "o.png") {
        return upscale_from(input_, out, extra);
    }
    // The same for the input file `in`, writing `out` in the test's folder.
    CliResult upscale_from(const std::string& in, const std::string& out,
                           const std::string& extra = "") {
        const bool profile =
            extra.find("--profile") != std::string::npos || extra.find("-p ") != std::string::npos;
        return run_cli("upscale " + std::string(profile ? "" : "-p performance ") + "'" + in +
                       "' -o '" + (dir_ / out) + "' " + extra);
    }
    void expect_option_error(const CliResult& r, const std::string& text) {
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_EQ(count_lines(r.err), 1) << r.err;
        EXPECT_NE(r.err.find(text), std::string::npos) << "expected \"" << text << "\" in:\n"
                                                       << r.err;
        EXPECT_FALSE(fs::exists(dir_ / "o.png")) << "an output was written";
    }
};

TEST_F(InputSafety, SizesThatWrapAt2To32AreRefused) {
    expect_option_error(upscale("--size 4294967312x100"),
                        "--size: width \"4294967312\" is outside [16, 16384]");
    expect_option_error(upscale("--size 100x18446744073709551632"), "--size: height");
    expect_option_error(upscale("--size 100x-100"), "--size: height \"-100\" is outside");
    expect_option_error(upscale("--size 100x100x100"), "is not WIDTHxHEIGHT");
}

TEST_F(InputSafety, ZeroNegativeTinyAndEmptyScalesAreRefused) {
    for (const char* v : {"0", "-0", "1e-300", "-2", "9"}) {
        SCOPED_TRACE(v);
        expect_option_error(upscale(std::string("--scale=") + v),
                            "--scale: \"" + std::string(v) + "\" is outside [1, 8]");
    }
    expect_option_error(upscale("--scale ''"), "--scale: \"\" is not a number");
    expect_option_error(upscale("--scale 2x"), "--scale: \"2x\" is not a number");
    expect_option_error(upscale("--scale nan"), "--scale: \"nan\" is not a number");
    expect_option_error(upscale("--scale inf"), "--scale: \"inf\" is not a number");
    expect_option_error(upscale("--threads 4294967297"), "--threads: \"4294967297\" is outside");
    auto r = run_cli("models run waifu2x-upconv7-x2 '" + input_ + "' -o '" + (dir_ / "o.png") +
                     "' --threads -1");
    expect_option_error(r, "--threads: \"-1\" is outside [0, 256]");
    r = run_cli("bench preview --input '" + input_ + "' --frames 0");
    expect_option_error(r, "--frames: \"0\" is outside [1, 100000]");
}

TEST_F(InputSafety, ProfileOverridesAreCheckedForRangeAndOverflow) {
    expect_option_error(upscale("--set ai.threads=4294967297"), "ai.threads: 4294967297");
    expect_option_error(upscale("--set output.scale=1e-300"), "output.scale: 1e-300 is outside");
    expect_option_error(upscale("--set output.scale=1e400"), "output.scale");
    expect_option_error(upscale("--set output.width=-0.5"), "output.width");
}

TEST_F(InputSafety, TheUnknownModelHintNamesACommandThatExists) {
    auto r = run_cli("models run nonexistent '" + input_ + "' -o '" + (dir_ / "o.png") + "'");
    EXPECT_EQ(r.exit_code, 1);
    const size_t a = r.err.find("`kizuna ");
    ASSERT_NE(a, std::string::npos) << r.err;
    const size_t b = r.err.find('`', a + 1);
    ASSERT_NE(b, std::string::npos) << r.err;
    const std::string hinted = r.err.substr(a + 8, b - a - 8);  // after "`kizuna "
    auto listed = run_cli(hinted);
    EXPECT_EQ(listed.exit_code, 0) << "`kizuna " << hinted << "` fails: " << listed.err;
    EXPECT_NE(listed.out.find("realesr-animevideov3-x2"), std::string::npos) << listed.out;
}

// A profile whose name and description hold ESC sequences, BEL, NUL, DEL and C1 controls as JSON
// escapes: every command that shows them prints them escaped, whole.
TEST_F(InputSafety, ProfileTextNeverReachesTheTerminalRaw) {
    const std::string prof = dir_ / "evil.json";
    std::ofstream(prof)
        << R"({"schema": 1, "name": "x\u001b[31mred\u0007bell\u0000nul\u007fdel\u009bcsi\u202eltr",)"
        << R"( "description": "\u001b]0;title\u0007"})";
    auto check = run_cli("profiles check '" + prof + "'");
    EXPECT_EQ(check.exit_code, 0) << check.err;
    EXPECT_FALSE(has_raw_control(check.out + check.err)) << check.out;
    EXPECT_NE(check.out.find("x\\x1b[31mred\\x07bell\\x00nul\\x7fdel\\u{9b}csi\\u{202e}ltr"),
              std::string::npos)
        << "the name is not shown whole and escaped: " << check.out;
    auto show = run_cli("profiles show '" + prof + "'");
    EXPECT_EQ(show.exit_code, 0) << show.err;
    EXPECT_FALSE(has_raw_control(show.out)) << show.out;
    EXPECT_EQ(show.out.find("\xc2\x9b"), std::string::npos) << "raw C1 CSI in the JSON";
    EXPECT_EQ(show.out.find("\xe2\x80\xae"), std::string::npos) << "raw U+202E in the JSON";
    // The JSON still reads back as the same profile.
    std::ofstream(dir_ / "again.json") << show.out;
    auto again = run_cli("profiles check '" + (dir_ / "again.json") + "'");
    EXPECT_EQ(again.out.substr(again.out.find(':')), check.out.substr(check.out.find(':')));
    // upscale logs the profile's name.
    auto r = upscale("-p '" + prof + "'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(has_raw_control(r.err)) << r.err;
    EXPECT_NE(r.err.find("\\x1b[31m"), std::string::npos) << r.err;
    // An invalid value's message quotes the file's text.
    std::ofstream(dir_ / "bad.json") << R"({"schema": 1, "ai": {"backend": "\u001b[2J"}})";
    auto bad = run_cli("profiles check '" + (dir_ / "bad.json") + "'");
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_FALSE(has_raw_control(bad.err)) << bad.err;
    EXPECT_EQ(count_lines(bad.err), 1) << bad.err;
}

TEST_F(InputSafety, AnimatedWebpErrorSaysWhy) {
    const std::string webp = dir_ / "anim.webp";
    ASSERT_TRUE(ffmpeg_to(webp, "-f lavfi -i testsrc2=size=32x24:rate=5 -frames:v 3 -loop 0"));
    auto r = upscale_from(webp, "o.png");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("ANIM"), std::string::npos) << "FFmpeg's reason is missing: " << r.err;
}

TEST_F(InputSafety, ImpossibleSizeErrorSaysWhy) {
    const std::string huge = dir_ / "huge.png";
    write_bytes(huge, png_file(65535, 65535, 8, 2, 16));
    auto r = upscale_from(huge, "o.png");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("65535x65535 is invalid"), std::string::npos) << r.err;
}

// An animated GIF and a video are moving pictures: to a single image, the frame must be picked
// (--at); nothing is silently taken from frame 0.
TEST_F(InputSafety, AnimationsAndVideosToOneImageNeedTheFrameChosen) {
    const std::string gif = dir_ / "anim.gif";
    const std::string mp4 = dir_ / "clip.mp4";
    ASSERT_TRUE(ffmpeg_to(gif, "-f lavfi -i testsrc2=size=32x24:rate=5 -frames:v 4"));
    ASSERT_TRUE(
        ffmpeg_to(mp4, "-f lavfi -i testsrc2=size=32x24:rate=5 -frames:v 6 -pix_fmt yuv420p"));
    for (const std::string& in : {gif, mp4}) {
        auto r = upscale_from(in, "o.png");
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_EQ(count_lines(r.err), 1) << r.err;
        EXPECT_NE(r.err.find("--at TIME"), std::string::npos) << r.err;
        EXPECT_FALSE(fs::exists(dir_ / "o.png"));
        r = upscale_from(in, "o.png", "--at 0.4");
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(fs::exists(dir_ / "o.png"));
        fs::remove(dir_ / "o.png");
    }
}

TEST_F(InputSafety, TransparencyIntoJpegGivesANoticeOrFailsUnderStrict) {
    const std::string rgba = dir_ / "alpha.png";
    ASSERT_TRUE(ffmpeg_to(rgba,
                          "-f lavfi -i testsrc2=size=32x24 -vf "
                          "format=rgba,colorchannelmixer=aa=0.5 -frames:v 1"));
    auto r = upscale_from(rgba, "o.jpg");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("transparency is lost"), std::string::npos) << r.err;
    r = upscale_from(rgba, "s.jpg", "--strict");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_FALSE(fs::exists(dir_ / "s.jpg"));
    // Into PNG, transparency is kept: no notice.
    r = upscale_from(rgba, "o.png");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("notice"), std::string::npos) << r.err;
    // An opaque picture into JPEG loses nothing: no notice.
    r = upscale("", "opaque.jpg");
    EXPECT_EQ(r.err.find("notice"), std::string::npos) << r.err;
    if (!models_installed()) return;
    // models run upscales the colour channels only.
    r = run_cli("models run waifu2x-upconv7-x2 '" + rgba + "' -o '" + (dir_ / "m.png") + "'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("transparency is lost"), std::string::npos) << r.err;
}

TEST_F(InputSafety, BitsTheFormatCannotHoldGiveANotice) {
    for (const char* out : {"o.jpg", "o.webp"}) {
        auto r = upscale("--set output.image_bit_depth=16", out);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_NE(r.err.find("asks for 16 bits per channel"), std::string::npos) << r.err;
        r = upscale("--set output.image_bit_depth=16 --strict", std::string("s") + out);
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_FALSE(fs::exists(dir_ / (std::string("s") + out)));
    }
    // A 16-bit source written with 8 bits.
    const std::string deep = dir_ / "deep.png";
    ASSERT_TRUE(ffmpeg_to(deep, "-f lavfi -i testsrc2=size=32x24 -pix_fmt rgb48be -frames:v 1"));
    auto r = upscale_from(deep, "d.png");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("has 16 bits per channel"), std::string::npos) << r.err;
    r = upscale_from(deep, "d16.png", "--set output.image_bit_depth=16");
    EXPECT_EQ(r.err.find("notice"), std::string::npos) << r.err;
}

// Row 11: a model whose fp16 weights hold a NaN would give an all-white or all-black picture.
// models run refuses it naming the layer; upscale falls back to shader-only with the reason.
TEST_F(InputSafety, AModelWithNaNWeightsIsRefusedNamingTheLayer) {
    const std::string param = dir_ / "nan.param", bin = dir_ / "nan.bin";
    write_bytes(param,
                "7767517\n2 2\nInput data 0 1 data\n"
                "Convolution conv_nan 1 1 data out 0=3 1=1 5=1 6=9\n");
    std::string b;
    const auto u16 = [&](unsigned v) {
        b.push_back(static_cast<char>(v & 0xff));
        b.push_back(static_cast<char>(v >> 8));
    };
    u16(0x6B47);  // fp16 tag 0x01306B47, little-endian
    u16(0x0130);
    for (int i = 0; i < 9; ++i) u16(i == 4 ? 0x7E00 : 0x3C00);  // weight 4 is NaN
    u16(0);                                                     // padding to 4 bytes
    b.append(12, '\0');                                         // three zero biases
    write_bytes(bin, b);
    auto r = run_cli("models run '" + param + "' '" + input_ + "' -o '" + (dir_ / "m.png") + "'");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("'conv_nan'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("weight 4 of 9 is NaN"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir_ / "m.png"));
    r = run_cli("upscale '" + input_ + "' -o '" + (dir_ / "u.png") + "' --model '" + param + "'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("AI model failed to load"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("is NaN"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace kizuna::test
