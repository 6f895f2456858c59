#include "kizuna/temp_files.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace kizuna {
namespace {

namespace fs = std::filesystem;

fs::path temp_path(const std::string& name) {
    return fs::temp_directory_path() / ("kizuna-tf-" + std::to_string(::getpid()) + "-" + name);
}

// In a child: installs the handler, registers and creates `file`, raises `sig`. Returns the
// child's wait status.
int child_raising(int sig, const fs::path& file, bool ignore_first) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (ignore_first) ::signal(sig, SIG_IGN);
        if (!install_signal_cleanup()) ::_exit(3);
        TempFileRegistration reg(file.c_str());
        if (!reg.ok()) ::_exit(4);
        std::ofstream(file) << "partial";
        ::raise(sig);
        ::_exit(0);  // reached only when the signal is ignored
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

TEST(SignalCleanup, RemovesRegisteredFilesAndExitsWith128PlusTheSignal) {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        const fs::path file = temp_path("sig" + std::to_string(sig));
        const int status = child_raising(sig, file, false);
        ASSERT_TRUE(WIFEXITED(status)) << "signal " << sig << " killed the process";
        EXPECT_EQ(WEXITSTATUS(status), 128 + sig);
        EXPECT_FALSE(fs::exists(file)) << "signal " << sig << " left " << file;
        fs::remove(file);
    }
}

TEST(SignalCleanup, AnIgnoredSignalStaysIgnored) {
    const fs::path file = temp_path("ignored");
    const int status = child_raising(SIGHUP, file, true);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_TRUE(fs::exists(file));
    fs::remove(file);
}

TEST(TempFileRegistration, UnregisteredFilesAreLeftAlone) {
    const fs::path kept = temp_path("kept");
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (!install_signal_cleanup()) ::_exit(3);
        {
            TempFileRegistration reg(kept.c_str());
            std::ofstream(kept) << "renamed into place";
        }  // unregistered: the file is now someone's output
        ::raise(SIGTERM);
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM);
    EXPECT_TRUE(fs::exists(kept));
    fs::remove(kept);
}

TEST(TempFileRegistration, SlotsAreReusedAndLimited) {
    std::vector<TempFileRegistration> regs;
    for (int i = 0; i < 64; ++i) {
        regs.emplace_back(temp_path("slot" + std::to_string(i)).c_str());
        EXPECT_TRUE(regs.back().ok()) << i;
    }
    TempFileRegistration extra(temp_path("extra").c_str());
    EXPECT_FALSE(extra.ok()) << "more than 64 registrations";
    regs.pop_back();  // frees one
    TempFileRegistration again(temp_path("again").c_str());
    EXPECT_TRUE(again.ok());
    TempFileRegistration moved = std::move(again);
    EXPECT_TRUE(moved.ok());
    EXPECT_FALSE(again.ok());  // NOLINT(bugprone-use-after-move): moved-from is empty
    EXPECT_FALSE(TempFileRegistration(std::string(5000, 'a').c_str()).ok()) << "too long";
}

}  // namespace
}  // namespace kizuna
