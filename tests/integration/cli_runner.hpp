// Runs the kizuna CLI as a user would and captures what it prints.
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "shell_tools.hpp"

namespace kizuna::test {

struct CliResult {
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

// args is appended to the CLI path as-is (quote paths with spaces yourself).
inline CliResult run_cli(const std::string& args) {
    static int counter = 0;
    const auto dir = std::filesystem::temp_directory_path() /
                     ("kizuna-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir);
    const std::string cmd = std::string(KIZUNA_CLI) + " " + args + " >" + (dir / "out").string() +
                            " 2>" + (dir / "err").string() + " </dev/null";
    const int status = std::system(cmd.c_str());
    CliResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_file(dir / "out");
    r.err = read_file(dir / "err");
    std::filesystem::remove_all(dir);
    return r;
}

// Starts the CLI with `args` (as run_cli takes them) in the background, its stdout and stderr
// going to the given files; returns its process id (the CLI itself: the shell execs it).
inline pid_t spawn_cli(const std::string& args, const std::string& out_file,
                       const std::string& err_file) {
    const std::string cmd = "exec " + std::string(KIZUNA_CLI) + " " + args + " >'" + out_file +
                            "' 2>'" + err_file + "' </dev/null";
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    return pid;
}

// A run of the CLI with the resources it used.
struct MeasuredRun {
    CliResult result;
    long max_rss_kb = 0;  // the process's peak resident memory (getrusage ru_maxrss)
    double seconds = 0;   // wall time
};

inline MeasuredRun run_cli_measured(const std::string& args) {
    static int counter = 0;
    const auto dir =
        std::filesystem::temp_directory_path() /
        ("kizuna-cli-m-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir);
    MeasuredRun m;
    const auto t0 = std::chrono::steady_clock::now();
    const pid_t pid = spawn_cli(args, (dir / "out").string(), (dir / "err").string());
    int status = 0;
    rusage ru{};
    ::wait4(pid, &status, 0, &ru);
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    m.max_rss_kb = ru.ru_maxrss;
    m.result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    m.result.out = read_file(dir / "out");
    m.result.err = read_file(dir / "err");
    std::filesystem::remove_all(dir);
    return m;
}

// Files and folders directly in `dir`.
inline int count_files(const std::filesystem::path& dir) {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        (void)e;
        ++n;
    }
    return n;
}

// "WxH" of the first video stream of a file, from ffprobe.
inline std::string probe_size(const std::string& path) {
    std::string s = capture(
        "ffprobe -v error -select_streams v:0 -show_entries stream=width,height "
        "-of csv=s=x:p=0 '" +
        path + "'");
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

// Runs the ffmpeg tool with `args` (inputs and options) writing `path`; true on success.
inline bool ffmpeg_to(const std::string& path, const std::string& args) {
    return shell("ffmpeg -v error " + args + " -y '" + path + "'") == 0;
}

// Draws FFmpeg's testsrc2 pattern at `size` ("WxH") into the still `path`; true on success.
inline bool make_test_still(const std::string& path, const std::string& size) {
    return ffmpeg_to(path, "-f lavfi -i testsrc2=size=" + size + " -frames:v 1");
}

// A test with its own folder, dir_, holding FFmpeg's testsrc2 pattern as the still input_
// (in.png) at the size the derived fixture gives ("WxH").
class StillInputTest : public ::testing::Test {
protected:
    explicit StillInputTest(std::string size) : size_(std::move(size)) {}
    void SetUp() override {
        input_ = dir_ / "in.png";
        ASSERT_TRUE(make_test_still(input_, size_)) << "ffmpeg could not make the fixture";
    }
    TempDir dir_;
    std::string input_;

private:
    std::string size_;
};

// True when `kizuna models` lists every model as installed.
inline bool models_installed() {
    auto r = run_cli("models");
    return r.exit_code == 0 && r.out.find("not installed") == std::string::npos;
}

// What the CLI must do with bad input: exit 1 with one line on stderr that names the culprit.
inline void expect_one_line_error(const CliResult& r, const std::string& must_contain) {
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << "expected exactly one line on stderr:\n" << r.err;
    EXPECT_NE(r.err.find(must_contain), std::string::npos)
        << "stderr does not name \"" << must_contain << "\":\n"
        << r.err;
}

}  // namespace kizuna::test
