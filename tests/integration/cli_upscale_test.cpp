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

// "WxH" of the first video stream of a file, from ffprobe.
std::string probe_size(const std::string& path) {
    std::string s = capture(
        "ffprobe -v error -select_streams v:0 -show_entries stream=width,height "
        "-of csv=s=x:p=0 '" +
        path + "'");
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

class Upscale : public ::testing::Test {
protected:
    void SetUp() override {
        input_ = dir_ / "in.png";
        ASSERT_EQ(shell("ffmpeg -v error -f lavfi -i testsrc2=size=96x64 -frames:v 1 -y '" +
                        input_ + "'"),
                  0)
            << "ffmpeg could not make the fixture";
    }
    // Writes `content` to name and returns the path.
    std::string write(const std::string& name, const std::string& content) {
        const std::string p = dir_ / name;
        std::ofstream(p, std::ios::binary) << content;
        return p;
    }
    void expect_one_line_error(const CliResult& r, const std::string& must_contain) {
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_EQ(count_lines(r.err), 1) << "expected exactly one line on stderr:\n" << r.err;
        EXPECT_NE(r.err.find(must_contain), std::string::npos)
            << "stderr does not name \"" << must_contain << "\":\n"
            << r.err;
    }
    TempDir dir_;
    std::string input_;
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

TEST_F(Upscale, DirectoryGivenAsInput) {
    expect_one_line_error(
        run_cli("upscale '" + dir_.path.string() + "' -o '" + (dir_ / "o.png") + "'"),
        dir_.path.string());
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
