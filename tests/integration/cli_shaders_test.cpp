// `kizuna shaders` end to end: the file is written (atomically, nothing left beside it) or
// printed, and every bad input gets one line naming the cause, exit status 1, and no file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli_runner.hpp"

namespace kizuna::test {
namespace {

namespace fs = std::filesystem;

TEST(CliShaders, WritesTheProfileAsMpvHooks) {
    TempDir dir;
    const std::string out = dir / "kizuna.glsl";
    const CliResult r = run_cli("shaders --profile balanced -o '" + out + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string text = read_file(out);
    EXPECT_NE(text.find("profile \"balanced\""), std::string::npos);
    EXPECT_NE(text.find("//!HOOK MAIN"), std::string::npos);
    EXPECT_NE(text.find("//!STORAGE"), std::string::npos) << "balanced has temporal on";
    EXPECT_NE(r.err.find("--vo=gpu-next"), std::string::npos) << "tells how to play it:\n" << r.err;
    EXPECT_EQ(count_files(dir.path), 1) << "a temporary file was left behind";

    // Overwriting with another profile replaces the content.
    ASSERT_EQ(run_cli("-q shaders -p performance -o '" + out + "'").exit_code, 0);
    const std::string perf = read_file(out);
    EXPECT_NE(perf.find("profile \"performance\""), std::string::npos);
    EXPECT_EQ(perf.find("STORAGE"), std::string::npos) << "performance has temporal off";
}

TEST(CliShaders, PrintsToStandardOutputAndTakesOverrides) {
    const CliResult r = run_cli(
        "-q shaders -p balanced -o - --set stages.temporal.enabled=false --set "
        "stages.enhance.saturation=1.25 --doublings 2");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_EQ(r.out.find("STORAGE"), std::string::npos);
    EXPECT_NE(r.out.find("#define KZ_SATURATION 1.25\n"), std::string::npos);
    EXPECT_NE(r.out.find("x2, step 2"), std::string::npos);
}

TEST(CliShaders, BadInputsFailWithOneLineAndNoFile) {
    TempDir dir;
    expect_one_line_error(run_cli("shaders -o '" + (dir / "missing/k.glsl") + "'"),
                          "does not exist");
    expect_one_line_error(run_cli("shaders -o '" + dir.path.string() + "'"), "is a folder");
    expect_one_line_error(
        run_cli("shaders -o '" + (dir / "k.glsl") + "' --set stages.enhance.saturation=5"),
        "stages.enhance.saturation");
    expect_one_line_error(run_cli("shaders -o '" + (dir / "k.glsl") + "' -p nosuchprofile"),
                          "nosuchprofile");
    expect_one_line_error(run_cli("shaders -o '" + (dir / "k.glsl") + "' --history 10x10"),
                          "--history: width \"10\" is outside [16, 16384]");
    EXPECT_EQ(count_files(dir.path), 0);
    if (::geteuid() != 0) {  // root writes anywhere
        fs::create_directories(dir.path / "ro");
        fs::permissions(dir.path / "ro", fs::perms::owner_read | fs::perms::owner_exec);
        expect_one_line_error(run_cli("shaders -o '" + (dir / "ro/k.glsl") + "'"), "not writable");
    }
}

}  // namespace
}  // namespace kizuna::test
