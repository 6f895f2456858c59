// No data loss when writing: no command writes onto one of its inputs, outputs are checked before
// any work, a signal never leaves a temporary file behind, long names work, and writing through a
// symbolic link or over an existing file keeps the link and the file's mode. (Rows 3, 6, 7, 8 and
// 12 of issue #13.)
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "cli_runner.hpp"
#include "png_fixtures.hpp"

namespace kizuna::test {
namespace {

namespace fs = std::filesystem;

class OutputSafety : public StillInputTest {
protected:
    OutputSafety() : StillInputTest("32x24") {}
    void SetUp() override {
        StillInputTest::SetUp();
        before_ = read_file(input_);
    }
    void expect_refused_and_input_intact(const CliResult& r, const std::string& must_contain) {
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_EQ(count_lines(r.err), 1) << r.err;
        EXPECT_NE(r.err.find(must_contain), std::string::npos) << r.err;
        EXPECT_EQ(read_file(input_), before_) << "the input was changed";
    }
    std::string before_;
};

TEST_F(OutputSafety, ModelsRunRefusesToOverwriteItsInput) {
    expect_refused_and_input_intact(
        run_cli("models run waifu2x-upconv7-x2 '" + input_ + "' -o '" + input_ + "'"),
        "is also the input");
}

TEST_F(OutputSafety, SymbolicAndHardLinksToTheInputAreTheInput) {
    fs::create_symlink(input_, dir_ / "link.png");
    fs::create_hard_link(input_, dir_ / "hard.png");
    for (const char* name : {"link.png", "hard.png"}) {
        const std::string out = dir_ / name;
        expect_refused_and_input_intact(
            run_cli("upscale -p performance '" + input_ + "' -o '" + out + "'"),
            "is the same file as the input");
        expect_refused_and_input_intact(
            run_cli("models run waifu2x-upconv7-x2 '" + input_ + "' -o '" + out + "'"),
            "is the same file as the input");
    }
}

TEST_F(OutputSafety, TheProfileFileIsAnInputToo) {
    const std::string prof = dir_ / "p.png";  // a profile file, whatever its name
    std::ofstream(prof) << R"({"schema": 1})";
    auto r = run_cli("upscale '" + input_ + "' -p '" + prof + "' -o '" + prof + "'");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("the input"), std::string::npos) << r.err;
    EXPECT_EQ(read_file(prof), R"({"schema": 1})");
}

// The output is checked before the input is even read: a damaged input with a bad output reports
// the output.
TEST_F(OutputSafety, ModelsRunChecksTheOutputFirst) {
    const std::string damaged = dir_ / "damaged.png";
    write_bytes(damaged, before_.substr(0, before_.size() / 2));
    auto r =
        run_cli("models run waifu2x-upconv7-x2 '" + damaged + "' -o '" + (dir_ / "o.xyz") + "'");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("o.xyz"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("damaged.png"), std::string::npos) << "the input was read first:\n"
                                                            << r.err;
    const std::string ro = dir_ / "ro";
    fs::create_directories(ro);
    fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
    const std::string target = ::geteuid() == 0 ? "/proc/kizuna-out.png" : ro + "/o.png";
    r = run_cli("models run waifu2x-upconv7-x2 '" + damaged + "' -o '" + target + "'");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("not writable"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("damaged.png"), std::string::npos) << r.err;
}

TEST_F(OutputSafety, NonRegularOutputsAreRefused) {
    const std::string fifo = dir_ / "pipe.png";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    auto r = run_cli("upscale -p performance '" + input_ + "' -o '" + fifo + "'");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << r.err;
    struct stat st {};
    ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
    EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "the FIFO was replaced";
}

// A name near the file system's limit: the temporary name beside it is shortened to fit.
TEST_F(OutputSafety, NamesUpToTheLimitAreWritten) {
    const std::string name = std::string(251, 'n') + ".png";  // 255 bytes
    auto r = run_cli("-q upscale -p performance '" + input_ + "' -o '" + (dir_ / name) + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(probe_size(dir_ / name), "64x48");
    r = run_cli("-q upscale -p performance '" + input_ + "' -o '" + (dir_ / ("x" + name)) +
                "'");  // 256 bytes
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("256 bytes long"), std::string::npos) << r.err;
    for (const auto& e : fs::directory_iterator(dir_.path)) {
        EXPECT_EQ(e.path().filename().string().find("kizuna-"), std::string::npos) << e.path();
    }
}

TEST_F(OutputSafety, WritingThroughASymlinkUpdatesItsTargetAndKeepsTheMode) {
    const std::string target = dir_ / "real.png";
    write_bytes(target, "old");
    ASSERT_EQ(::chmod(target.c_str(), 0600), 0);
    fs::create_directories(dir_.path / "sub");
    fs::create_symlink("../real.png", dir_.path / "sub" / "link.png");
    auto r =
        run_cli("-q upscale -p performance '" + input_ + "' -o '" + (dir_ / "sub/link.png") + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::is_symlink(dir_.path / "sub" / "link.png")) << "the link was replaced";
    EXPECT_EQ(probe_size(target), "64x48") << "the target was not written";
    struct stat st {};
    ASSERT_EQ(::stat(target.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u) << "the mode changed";
    // The same for models run, onto an existing 0640 file.
    if (!models_installed()) return;
    const std::string m = dir_ / "m.png";
    write_bytes(m, "old");
    ASSERT_EQ(::chmod(m.c_str(), 0640), 0);
    r = run_cli("-q models run waifu2x-upconv7-x2 '" + input_ + "' -o '" + m + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(::stat(m.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
}

// Sends `sig` to a CLI writing a large output the moment its temporary file appears (inotify).
// Returns the wait status, or -1 when the write finished before the signal (nothing to check).
int signal_during_write(const TempDir& dir, const std::string& in, const std::string& out_dir,
                        int sig) {
    const int fd = ::inotify_init1(IN_CLOEXEC);
    if (fd < 0 || ::inotify_add_watch(fd, out_dir.c_str(), IN_CREATE) < 0) return -2;
    const pid_t pid = spawn_cli("-q upscale '" + in + "' -o '" + out_dir +
                                    "/o.tif' -p performance -b cpu --set output.image_bit_depth=16",
                                dir / "out.txt", dir / "err.txt");
    bool sent = false;
    alignas(inotify_event) char buf[4096];
    while (!sent) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        for (ssize_t i = 0; i < n && !sent;) {
            const auto* ev = reinterpret_cast<const inotify_event*>(buf + i);
            if (ev->len > 0 && std::string(ev->name).find("kizuna-tmp") != std::string::npos) {
                ::kill(pid, sig);
                sent = true;
            }
            i += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
        }
    }
    ::close(fd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        fs::remove(out_dir + "/o.tif");
        return -1;
    }
    return status;
}

// SIGINT, SIGTERM or SIGHUP while the output is being written: the temporary file is removed
// and the exit status is 128 + the signal. The signal is sent the moment the temporary file is
// created, while a 15 MB TIFF is still being written.
TEST(SignalDuringWrite, LeavesNoTemporaryFileAndExitsWith128PlusTheSignal) {
    TempDir dir;
    const std::string in = dir / "noise.png";
    ASSERT_EQ(shell("head -c 1920000 /dev/urandom | ffmpeg -v error -f rawvideo -pix_fmt rgb24 "
                    "-s 800x800 -i - -frames:v 1 -y '" +
                    in + "'"),
              0);
    const std::string out_dir = dir / "out";
    fs::create_directories(out_dir);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        int status = -1;
        for (int attempt = 0; attempt < 3 && status == -1; ++attempt) {
            status = signal_during_write(dir, in, out_dir, sig);
        }
        ASSERT_GE(status, 0) << "signal " << sig << " never arrived during the write";
        EXPECT_TRUE(WIFEXITED(status)) << "killed by signal " << sig << " instead of exiting";
        EXPECT_EQ(WEXITSTATUS(status), 128 + sig);
        for (const auto& e : fs::directory_iterator(out_dir)) {
            ADD_FAILURE() << "signal " << sig << " left " << e.path();
        }
    }
}

}  // namespace
}  // namespace kizuna::test
