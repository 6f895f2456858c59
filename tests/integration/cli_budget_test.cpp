// The memory budget, as a user meets it: a job whose estimate is over the budget stops at once,
// before decoding, with one line saying what it needs and what is available; decompression bombs
// are refused from their header. Each run here is measured: its peak resident memory shows that
// nothing picture-sized was allocated. (Rows 1 and 2 of issue #13.)
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "cli_runner.hpp"
#include "png_fixtures.hpp"

namespace kizuna::test {
namespace {

// Far below any of the pictures these tests refuse (a 16000 x 16000 RGBA8 image alone is 1 GB),
// far above the program itself (about 40-90 MB).
constexpr long kRefusedRssKb = 300 * 1024;

void expect_budget_refusal(const MeasuredRun& m, const std::string& file,
                           const std::string& budget_text) {
    const CliResult& r = m.result;
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << "expected one line:\n" << r.err;
    EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("needs about"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("memory budget of " + budget_text), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--memory"), std::string::npos) << "no advice:\n" << r.err;
    EXPECT_LT(m.max_rss_kb, kRefusedRssKb) << "allocated before refusing";
    EXPECT_LT(m.seconds, 5.0) << "took long to refuse";
}

// Writes `png` as `name` in `dir` and upscales it to o.png there with the shader-only profile and
// `options`, measured; expects the refusal of the budget `budget_text` (expect_budget_refusal)
// naming `size`, the picture's size, when one is given.
void expect_png_refused(const TempDir& dir, const std::string& name, const std::string& png,
                        const std::string& options, const std::string& budget_text,
                        const std::string& size = "") {
    const std::string in = dir / name;
    write_bytes(in, png);
    const MeasuredRun m = run_cli_measured("upscale -p performance '" + in + "' -o '" +
                                           (dir / "o.png") + "' " + options);
    expect_budget_refusal(m, name, budget_text);
    if (!size.empty()) {
        EXPECT_NE(m.result.err.find(size), std::string::npos) << m.result.err;
    }
}

// A 31 KB PNG claiming 16000 x 16000 1-bit grey, with a valid zlib stream of zeros for all of it.
TEST(CliBudget, DecompressionBombIsRefusedFromItsHeader) {
    TempDir dir;
    expect_png_refused(dir, "bomb.png",
                       png_file(16000, 16000, 1, 0, png_raw_bytes(16000, 16000, 1)), "--memory 2G",
                       "2.0 GiB (--memory)", "16000x16000");
    EXPECT_FALSE(std::filesystem::exists(dir / "o.png"));
}

// 70 bytes: a header claiming 16000 x 16000 16-bit RGBA and almost no data.
TEST(CliBudget, DeepBombHeaderIsRefusedBeforeDecoding) {
    TempDir dir;
    expect_png_refused(dir, "deep.png", png_file(16000, 16000, 16, 6, 16), "--memory 4G",
                       "4.0 GiB (--memory)");
}

// --scale 8 on a 4000 x 4000 picture: the decode is small, the output (32000^2) is not.
TEST(CliBudget, LargeScaleIsCostedBeforeDecoding) {
    TempDir dir;
    expect_png_refused(dir, "big.png", png_file(4000, 4000, 8, 2, png_raw_bytes(4000, 4000, 24)),
                       "--scale 8 --memory 2G", "2.0 GiB (--memory)", "32000x32000");
}

// The default budget comes from what the process may use: under ulimit -v it names RLIMIT_AS.
TEST(CliBudget, DefaultBudgetFollowsTheAddressSpaceLimit) {
    TempDir dir;
    const std::string bomb = dir / "bomb.png";
    write_bytes(bomb, png_file(16000, 16000, 1, 0, 16));
    // 2 GiB of address space: the program starts, the bomb's estimate (tens of GB) does not fit.
    const std::string cmd = "ulimit -v 2097152; exec " + std::string(KIZUNA_CLI) + " upscale '" +
                            bomb + "' -o '" + (dir / "o.png") + "' 2>'" + (dir / "err") + "'";
    const int status = std::system(("sh -c \"" + cmd + "\"").c_str());
    const std::string err = read_file(dir / "err");
    EXPECT_EQ(WEXITSTATUS(status), 1) << err;
    EXPECT_EQ(count_lines(err), 1) << err;
    EXPECT_NE(err.find("by RLIMIT_AS"), std::string::npos) << err;
}

TEST(CliBudget, MemoryOptionIsParsedStrictly) {
    TempDir dir;
    const std::string in = dir / "in.png";
    write_bytes(in, png_file(16, 16, 8, 2, png_raw_bytes(16, 16, 24)));
    for (const char* bad : {"4", "4X", "-1G", "nanG", "", "99999999999T"}) {
        auto r = run_cli("upscale -p performance '" + in + "' -o '" + (dir / "o.png") +
                         "' --memory '" + bad + "'");
        EXPECT_EQ(r.exit_code, 1) << bad << ": " << r.err;
        EXPECT_EQ(count_lines(r.err), 1) << r.err;
        EXPECT_NE(r.err.find("--memory: "), std::string::npos) << r.err;
    }
    auto ok = run_cli("-q upscale -p performance '" + in + "' -o '" + (dir / "o.png") +
                      "' --memory 512M");
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

// models run on 4000 x 4000: the model's activations for the whole picture are estimated from
// the model's own plan and the header, before the picture is decoded.
TEST(CliBudget, WholeImageModelRunIsRefusedAtOnce) {
    if (!models_installed()) GTEST_SKIP() << "models not installed (scripts/fetch-models.sh)";
    TempDir dir;
    const std::string in = dir / "big.png";
    write_bytes(in, png_file(4000, 4000, 8, 2, 16));
    const auto m = run_cli_measured("models run realesr-animevideov3-x2 '" + in + "' -o '" +
                                    (dir / "o.png") + "' --memory 4G");
    expect_budget_refusal(m, "big.png", "4.0 GiB (--memory)");
    EXPECT_NE(m.result.err.find("realesr-animevideov3-x2"), std::string::npos) << m.result.err;
}

// A job under its budget runs: the budget is not a blanket refusal.
TEST(CliBudget, SmallJobsRunWithinASmallBudget) {
    TempDir dir;
    const std::string in = dir / "in.png";
    ASSERT_TRUE(make_test_still(in, "64x48"));
    auto r = run_cli("-q upscale -p performance '" + in + "' -o '" + (dir / "o.png") +
                     "' --memory 256M");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::filesystem::exists(dir / "o.png"));
    if (!models_installed()) return;
    r = run_cli("-q models run waifu2x-upconv7-x2 '" + in + "' -o '" + (dir / "m.png") +
                "' --memory 512M");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::filesystem::exists(dir / "m.png"));
}

}  // namespace
}  // namespace kizuna::test
