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

namespace kizuna::test {

struct CliResult {
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

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

// Runs a shell command (e.g. ffmpeg to make a fixture); returns its exit code.
inline int shell(const std::string& cmd) {
    const int status = std::system((cmd + " >/dev/null 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs a shell command and returns what it printed on stdout.
inline std::string capture(const std::string& cmd) {
    std::string out;
    if (FILE* p = ::popen((cmd + " 2>/dev/null").c_str(), "r")) {
        char buf[4096];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
        ::pclose(p);
    }
    return out;
}

// A fresh temporary folder, removed by the destructor.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        static int n = 0;
        path = std::filesystem::temp_directory_path() /
               ("kizuna-it-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::permissions(path, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ec);
        std::filesystem::remove_all(path, ec);
    }
    std::string operator/(const std::string& name) const { return (path / name).string(); }
};

inline int count_lines(const std::string& s) {
    int n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

}  // namespace kizuna::test
