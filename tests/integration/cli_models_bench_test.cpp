// `kizuna models`, `kizuna models run` and `kizuna bench` as a user runs them.
#include <gtest/gtest.h>

#include <regex>

#include "cli_runner.hpp"

namespace kizuna::test {
namespace {

std::string last_line(const std::string& s) {
    std::string t = s;
    while (!t.empty() && t.back() == '\n') t.pop_back();
    const auto nl = t.rfind('\n');
    return nl == std::string::npos ? t : t.substr(nl + 1);
}

TEST(CliModels, ListsEveryModelWithItsFigures) {
    auto r = run_cli("models");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* id :
         {"realesr-animevideov3-x2", "realesrgan-x4plus-anime", "realcugan-up2x-conservative",
          "waifu2x-cunet-noise1-x2", "waifu2x-upconv7-x2"}) {
        EXPECT_NE(r.out.find(id), std::string::npos) << id;
    }
    if (!models_installed()) GTEST_SKIP() << "models not installed (scripts/fetch-models.sh)";
    // realesr-animevideov3-x2: 2x, 16 3x3 64-channel convolutions: about 1.2 MFLOP per pixel.
    std::regex row(R"(realesr-animevideov3-x2\s+2\s+\d+\s+\d+\s+1\.[0-9]\s+\d+)");
    EXPECT_TRUE(std::regex_search(r.out, row)) << r.out;
}

TEST(CliModels, RunUpscalesAnImageByTheModelScale) {
    if (!models_installed()) GTEST_SKIP() << "models not installed (scripts/fetch-models.sh)";
    TempDir dir;
    ASSERT_EQ(shell("ffmpeg -v error -f lavfi -i testsrc2=size=24x20 -frames:v 1 -y '" +
                    (dir / "in.png") + "'"),
              0);
    auto r = run_cli("-q models run waifu2x-upconv7-x2 '" + (dir / "in.png") + "' -o '" +
                     (dir / "out.png") + "' --backend xnnpack");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(capture("ffprobe -v error -show_entries stream=width,height -of csv=s=x:p=0 '" +
                      (dir / "out.png") + "'"),
              "48x40\n");
}

TEST(CliModels, UnknownModelIsOneLineNamingIt) {
    TempDir dir;
    auto r =
        run_cli("models run no-such-model '" + (dir / "in.png") + "' -o '" + (dir / "o.png") + "'");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("no-such-model"), std::string::npos) << r.err;
}

TEST(CliModels, TruncatedModelWeightsAreReportedWithByteCounts) {
    if (!models_installed()) GTEST_SKIP() << "models not installed (scripts/fetch-models.sh)";
    TempDir dir;
    const std::string src =
        (getenv("KIZUNA_MODELS") ? std::string(getenv("KIZUNA_MODELS"))
                                 : std::string(getenv("HOME")) + "/.cache/kizuna/models") +
        "/waifu2x/models-upconv_7_anime_style_art_rgb/scale2.0x_model";
    ASSERT_EQ(shell("cp '" + src + ".param' '" + (dir / "m.param") + "'"), 0);
    const std::string weights = read_file(src + ".bin");
    ASSERT_GT(weights.size(), 1000u);
    std::ofstream(dir / "m.bin", std::ios::binary) << weights.substr(0, 1000);
    ASSERT_EQ(shell("ffmpeg -v error -f lavfi -i testsrc2=size=16x16 -frames:v 1 -y '" +
                    (dir / "in.png") + "'"),
              0);
    auto r = run_cli("models run '" + (dir / "m.param") + "' '" + (dir / "in.png") + "' -o '" +
                     (dir / "o.png") + "'");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("m.bin"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("1000"), std::string::npos) << "actual byte count missing: " << r.err;
}

TEST(CliBench, PreviewEndsWithTheSummaryLine) {
    TempDir dir;
    ASSERT_EQ(shell("ffmpeg -v error -f lavfi -i testsrc2=size=64x48 -frames:v 1 -y '" +
                    (dir / "in.png") + "'"),
              0);
    auto r = run_cli("-q bench preview --input '" + (dir / "in.png") +
                     "' --scale 2 --backend cpu --frames 3");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::regex line(R"(median_ms=[0-9.]+ min_ms=[0-9.]+ max_ms=[0-9.]+ fps=[0-9.]+)");
    EXPECT_TRUE(std::regex_match(last_line(r.out), line)) << r.out;
}

TEST(CliBench, NnEndsWithTheSummaryLine) {
    if (!models_installed()) GTEST_SKIP() << "models not installed (scripts/fetch-models.sh)";
    auto r = run_cli("-q bench nn --model waifu2x-upconv7-x2 --tile 32 --runs 1 --warmup 0");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::regex line(R"(ms_per_tile=[0-9.]+ gflops=[0-9.]+ peak_share=[0-9.]+ peak_rss_mb=[0-9.]+)");
    EXPECT_TRUE(std::regex_match(last_line(r.out), line)) << r.out;
}

}  // namespace
}  // namespace kizuna::test
