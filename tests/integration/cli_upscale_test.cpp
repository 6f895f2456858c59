// `kizuna upscale` end to end: a real run checked with ffprobe, and every kind of bad input
// getting one line that names the file and the reason, a non-zero exit, and no damage.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli_runner.hpp"

namespace kizuna::test {
namespace {

namespace fs = std::filesystem;

class Upscale : public StillInputTest {
protected:
    Upscale() : StillInputTest("96x64") {}
    // Writes `content` to name and returns the path.
    std::string write(const std::string& name, const std::string& content) {
        const std::string p = dir_ / name;
        std::ofstream(p, std::ios::binary) << content;
        return p;
    }
};

TEST_F(Upscale, DoublesTheSizeAndLeavesNoTemporaryFile) {
    const std::string out = dir_ / "out.png";
    auto r = run_cli("-q upscale '" + input_ + "' -o '" + out + "' --profile performance");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(probe_size(out), "192x128");
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir_.path)) {
        (void)e;
        ++files;
    }
    EXPECT_EQ(files, 2) << "only in.png and out.png should be there";
}

TEST_F(Upscale, ScaleAndSizeOptionsSetTheOutputSize) {
    const std::string out3 = dir_ / "x3.png";
    ASSERT_EQ(run_cli("-q upscale '" + input_ + "' -o '" + out3 + "' --scale 3").exit_code, 0);
    EXPECT_EQ(probe_size(out3), "288x192");
    const std::string sized = dir_ / "sized.webp";
    auto r = run_cli("-q upscale '" + input_ + "' -o '" + sized + "' --size 200x150");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(probe_size(sized), "200x150");
}

TEST_F(Upscale, ProfileOverridesAreValidatedLikeTheProfile) {
    auto r = run_cli("upscale '" + input_ + "' -o '" + (dir_ / "o.png") +
                     "' --set stages.enhance.saturation=3.5");
    expect_one_line_error(r, "stages.enhance.saturation: 3.5 is outside [0, 2]");
    EXPECT_FALSE(fs::exists(dir_ / "o.png"));
}

TEST_F(Upscale, MissingInputFile) {
    expect_one_line_error(
        run_cli("upscale '" + (dir_ / "nope.png") + "' -o '" + (dir_ / "o.png") + "'"), "nope.png");
}

// Stills default to the balanced profile, whose chain runs the neural model: the log says so and
// the picture is not the shader-only one.
TEST_F(Upscale, TheDefaultProfileRunsTheModelAndSaysSo) {
    const std::string ai = dir_ / "ai.png", shader = dir_ / "shader.png";
    auto r = run_cli("upscale '" + input_ + "' -o '" + ai + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("profile balanced"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("AI realesr-animevideov3-x2 on xnnpack"), std::string::npos) << r.err;
    ASSERT_EQ(
        run_cli("-q upscale '" + input_ + "' -o '" + shader + "' --set ai.enabled=false").exit_code,
        0);
    EXPECT_NE(read_file(ai), read_file(shader)) << "the model's picture is the shader upscale";
    // Strength 0 is the shader-only chain, byte for byte.
    const std::string zero = dir_ / "zero.png";
    r = run_cli("upscale '" + input_ + "' -o '" + zero + "' --ai-strength 0");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file(zero), read_file(shader));
}

TEST_F(Upscale, AModelThatCannotLoadIsANoticeAndRequireAiMakesItAnError) {
    const std::string out = dir_ / "o.png";
    auto r = run_cli("upscale '" + input_ + "' -o '" + out + "' --set ai.model=no-such-model");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("AI model failed to load: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("no-such-model"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Falling back to shader-only."), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("shader-only"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::exists(out));
    const std::string strict = dir_ / "strict.png";
    expect_one_line_error(run_cli("-q upscale '" + input_ + "' -o '" + strict +
                                  "' --model no-such-model --require-ai"),
                          "no-such-model");
    EXPECT_FALSE(fs::exists(strict));
}

// --precision sets ai.precision: the log names the precision the model ran in, and fp16 that
// the CPU backend (ai.backend auto without a GPU) cannot honour is a notice naming fp32. A bad
// value, or the flag on a profile without the AI stage, is refused before any work.
TEST_F(Upscale, PrecisionFlagTakesEffectOrSaysWhyNot) {
    const std::string out = dir_ / "p.png";
    auto r = run_cli("upscale '" + input_ + "' -o '" + out + "' --set ai.backend=cpu");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("AI realesr-animevideov3-x2 on xnnpack in fp32"), std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("ai.precision"), std::string::npos) << r.err;
    r = run_cli("upscale '" + input_ + "' -o '" + out + "' --set ai.backend=cpu --precision fp16");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("AI realesr-animevideov3-x2 on xnnpack in fp32"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("ai.precision fp16: the model runs in fp32 on the xnnpack backend"),
              std::string::npos)
        << r.err;
    expect_one_line_error(run_cli("upscale '" + input_ + "' -o '" + out + "' --precision half"),
                          "--precision: \"half\" is not one of auto, fp32, fp16");
    expect_one_line_error(
        run_cli("upscale '" + input_ + "' -o '" + out + "' -p performance --precision fp16"),
        "--precision: the profile \"performance\" has no AI stage");
}

TEST_F(Upscale, TilingFlagsTakeEffectOrAreRefused) {
    const std::string whole = dir_ / "whole.png", tiled = dir_ / "tiled.png";
    auto r = run_cli("upscale '" + input_ + "' -o '" + whole + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("untiled"), std::string::npos) << r.err;
    r = run_cli("upscale '" + input_ + "' -o '" + tiled + "' --tile 64 --overlap 8");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Equal tiles cover the picture, so neighbours may share more than the 8 pixels asked.
    EXPECT_NE(r.err.find("tiles of 64x64, overlap "), std::string::npos) << r.err;
    EXPECT_NE(read_file(tiled), read_file(whole)) << "an overlap of 8 leaves visible seams";
    EXPECT_EQ(probe_size(tiled), "192x128");
    // Tiling options need an AI stage, and are checked before any work.
    expect_one_line_error(
        run_cli("upscale '" + input_ + "' -o '" + (dir_ / "p.png") + "' -p performance --tile 64"),
        "--tile: the profile \"performance\" has no AI stage");
    expect_one_line_error(
        run_cli("upscale '" + input_ + "' -o '" + (dir_ / "p.png") + "' --tile 20"), "--tile");
    expect_one_line_error(
        run_cli("upscale '" + input_ + "' -o '" + (dir_ / "p.png") + "' --overlap lots"),
        "--overlap: \"lots\" is not auto");
    expect_one_line_error(
        run_cli("upscale '" + input_ + "' -o '" + (dir_ / "p.png") + "' --ai-strength 1.5"),
        "--ai-strength");
    EXPECT_FALSE(fs::exists(dir_ / "p.png"));
}

TEST_F(Upscale, AFolderInputNeedsAFolderOutput) {
    expect_one_line_error(
        run_cli("upscale '" + dir_.path.string() + "' -o '" + (dir_ / "o.png") + "'"),
        "-o " + (dir_ / "o.png") + ": with several inputs or a folder");
    EXPECT_FALSE(fs::exists(dir_ / "o.png"));
}

TEST_F(Upscale, ABatchWritesEveryFileSkipsABadOneAndFailsAtTheEnd) {
    const std::string src = dir_ / "src";
    fs::create_directories(src);
    fs::copy_file(input_, src + "/a.png");
    ASSERT_EQ(
        shell("ffmpeg -v error -f lavfi -i testsrc2=size=40x30 -frames:v 1 -y '" + src + "/b.jpg'"),
        0);
    std::ofstream(src + "/c.png") << "not a picture";
    const std::string out = dir_ / "out";
    auto r = run_cli("upscale '" + src + "' -o '" + out + "' -p performance");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(probe_size(out + "/a.png"), "192x128");
    EXPECT_EQ(probe_size(out + "/b.jpg"), "80x60");
    EXPECT_FALSE(fs::exists(out + "/c.png"));
    EXPECT_NE(r.err.find("[3/3]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("about"), std::string::npos) << "no time left is shown:\n" << r.err;
    EXPECT_NE(r.err.find("1 of 3 files failed: " + src + "/c.png"), std::string::npos) << r.err;
    // The same inputs listed one by one, without the bad one, all succeed.
    const std::string out2 = dir_ / "out2";
    r = run_cli("upscale '" + src + "/a.png' '" + src + "/b.jpg' -o '" + out2 + "' -p performance");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(out2 + "/a.png") && fs::exists(out2 + "/b.jpg"));
}

TEST_F(Upscale, ABatchNeverReplacesAnInputOrWritesTwoFilesToOneName) {
    const std::string other = dir_ / "x";
    fs::create_directories(other);
    fs::copy_file(input_, other + "/in.png");
    // Two inputs named in.png.
    auto r = run_cli("upscale '" + input_ + "' '" + other + "/in.png' -o '" + (dir_ / "o") + "'");
    expect_one_line_error(r, "would both be written to");
    EXPECT_FALSE(fs::exists(dir_ / "o"));
    // The output folder is the input's folder.
    const std::string before = read_file(input_);
    r = run_cli("upscale '" + input_ + "' -o '" + dir_.path.string() + "'");
    expect_one_line_error(r, "holds the input");
    EXPECT_EQ(read_file(input_), before);
}

TEST_F(Upscale, NonImageInput) {
    const auto p = write("notes.png", "this is a text file, not a picture\n");
    expect_one_line_error(run_cli("upscale '" + p + "' -o '" + (dir_ / "o.png") + "'"),
                          "notes.png");
}

TEST_F(Upscale, ZeroByteInput) {
    const auto p = write("empty.png", "");
    expect_one_line_error(run_cli("upscale '" + p + "' -o '" + (dir_ / "o.png") + "'"),
                          "empty.png");
}

TEST_F(Upscale, TruncatedPngInputAndExistingOutputIsUntouched) {
    const std::string whole = read_file(input_);
    ASSERT_GT(whole.size(), 200u);
    const auto p = write("cut.png", whole.substr(0, whole.size() / 2));
    const auto out = write("keep.png", "precious bytes");
    expect_one_line_error(run_cli("upscale '" + p + "' -o '" + out + "'"), "cut.png");
    EXPECT_EQ(read_file(out), "precious bytes");
}

TEST_F(Upscale, MissingOutputFolder) {
    expect_one_line_error(run_cli("upscale '" + input_ + "' -o '" + (dir_ / "no/such/o.png") + "'"),
                          "no/such");
}

TEST_F(Upscale, UnwritableOutputFolder) {
    if (::geteuid() == 0) {
        // Root writes through permission bits; a folder on a filesystem that takes no new files
        // stands in for it.
        expect_one_line_error(run_cli("upscale '" + input_ + "' -o /proc/kizuna-out.png"), "/proc");
        return;
    }
    const std::string ro = dir_ / "ro";
    fs::create_directories(ro);
    fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
    expect_one_line_error(run_cli("upscale '" + input_ + "' -o '" + ro + "/o.png'"), "ro");
}

TEST_F(Upscale, UnsupportedOutputFormatLeavesExistingFileAlone) {
    const auto out = write("out.xyz", "keep me");
    expect_one_line_error(run_cli("upscale '" + input_ + "' -o '" + out + "'"), "out.xyz");
    EXPECT_EQ(read_file(out), "keep me");
}

TEST_F(Upscale, InvalidProfileFileIsNamed) {
    const auto prof = write("broken.json", "{\"schema\": 1, \"stages\": {");
    expect_one_line_error(
        run_cli("upscale '" + input_ + "' -o '" + (dir_ / "o.png") + "' --profile '" + prof + "'"),
        "broken.json");
}

TEST_F(Upscale, OutputEqualToInputIsRefused) {
    const std::string before = read_file(input_);
    expect_one_line_error(run_cli("upscale '" + input_ + "' -o '" + input_ + "'"), "in.png");
    EXPECT_EQ(read_file(input_), before);
}

}  // namespace
}  // namespace kizuna::test
