// The CLI's informational commands, as a user runs them.
#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace kizuna::test {
namespace {

TEST(Cli, VersionPrintsTheVersion) {
    auto r = run_cli("--version");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("kizuna 0."), std::string::npos) << r.out;
}

TEST(Cli, UnknownCommandIsAUsageError) {
    auto r = run_cli("frobnicate");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("unknown command 'frobnicate'"), std::string::npos) << r.err;
}

TEST(Cli, ProbeReportsCpuVulkanModelsAndFfmpeg) {
    auto r = run_cli("probe");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("AVX2"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("AVX-512F"), std::string::npos);
    EXPECT_NE(r.out.find("threads:"), std::string::npos);
    // Either a device list or the reason there is none.
    const bool has_device = r.out.find("type: ") != std::string::npos;
    const bool has_reason = r.out.find("none:") != std::string::npos;
    EXPECT_TRUE(has_device || has_reason) << r.out;
    EXPECT_NE(r.out.find("searched in:"), std::string::npos);
    EXPECT_NE(r.out.find("realesr-animevideov3-x2"), std::string::npos);
    EXPECT_NE(r.out.find("libavcodec "), std::string::npos);
    EXPECT_NE(r.out.find("libx264"), std::string::npos) << "x264 encoder not listed";
}

TEST(Cli, ProbeShowsLavapipeAsACpuDeviceWhenPresent) {
    auto r = run_cli("probe");
    ASSERT_EQ(r.exit_code, 0);
    if (r.out.find("llvmpipe") == std::string::npos) {
        GTEST_SKIP() << "no lavapipe device on this machine";
    }
    EXPECT_NE(r.out.find("type: cpu"), std::string::npos) << r.out;
    // ai.backend auto never takes a software device, so the model runs on the CPU, in fp32.
    if (r.out.find("NN backend (auto): cpu") != std::string::npos) {
        EXPECT_NE(r.out.find("AI precision (ai.precision auto): fp32 \xe2\x80\x94 the CPU "
                             "backends compute in fp32"),
                  std::string::npos)
            << r.out;
    }
}

TEST(Cli, ProfilesListsTheBuiltIns) {
    auto r = run_cli("profiles");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* name : {"performance", "balanced", "quality"}) {
        EXPECT_NE(r.out.find(name), std::string::npos) << name;
    }
}

TEST(Cli, ProfilesCheckAcceptsAValidFileAndShowRoundTrips) {
    TempDir dir;
    auto shown = run_cli("profiles show balanced");
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    {
        std::ofstream f(dir / "mine.json");
        f << shown.out;
    }
    auto r = run_cli("profiles check " + (dir / "mine.json"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("valid"), std::string::npos);
}

TEST(Cli, ProfilesCheckNamesThePathAndRangeOfABadValue) {
    TempDir dir;
    {
        std::ofstream f(dir / "bad.json");
        f << R"({"schema": 1, "stages": {"enhance": {"saturation": 3.5}}})";
    }
    auto r = run_cli("profiles check " + (dir / "bad.json"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("bad.json"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("stages.enhance.saturation: 3.5 is outside [0, 2]"), std::string::npos)
        << r.err;
}

TEST(Cli, ProfilesCheckSuggestsTheNearestKey) {
    TempDir dir;
    {
        std::ofstream f(dir / "typo.json");
        f << R"({"schema": 1, "stages": {"enhnce": {}}})";
    }
    auto r = run_cli("profiles check " + (dir / "typo.json"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("enhance"), std::string::npos) << r.err;
}

TEST(Cli, ProfilesCheckOfAMissingFileSaysSo) {
    expect_one_line_error(run_cli("profiles check /nonexistent/profile.json"),
                          "/nonexistent/profile.json");
}

}  // namespace
}  // namespace kizuna::test
