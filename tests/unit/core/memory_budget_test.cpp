#include "kizuna/memory_budget.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/memory_probe.hpp"

namespace kizuna {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kGiB = uint64_t{1} << 30;

// A fake /proc and /sys/fs/cgroup.
class FakeSystem {
public:
    FakeSystem() {
        static int n = 0;
        root_ = fs::temp_directory_path() /
                ("kizuna-mem-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
        fs::remove_all(root_);
        fs::create_directories(root_ / "proc" / "self");
        fs::create_directories(root_ / "cgroup");
    }
    ~FakeSystem() { fs::remove_all(root_); }
    void write(const std::string& rel, const std::string& text) {
        const fs::path p = root_ / rel;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << text;
    }
    void write(const std::string& rel, uint64_t value) { write(rel, std::to_string(value) + "\n"); }
    // /proc/meminfo with only a MemAvailable line of `bytes` (a multiple of 1 KiB).
    void write_mem_available(uint64_t bytes) {
        write("proc/meminfo", "MemAvailable:   " + std::to_string(bytes / 1024) + " kB\n");
    }
    // The process: `available` bytes in MemAvailable, and its /proc/self/cgroup lines.
    void write_process(uint64_t available, const std::string& cgroup_lines) {
        write_mem_available(available);
        write("proc/self/cgroup", cgroup_lines);
    }
    // The limit and usage files of the cgroup folder `dir` (a path below the fake mount point):
    // memory.max and memory.current in v2, memory.limit_in_bytes and memory.usage_in_bytes in v1.
    void write_cgroup_v2(const std::string& dir, uint64_t max, uint64_t current) {
        write(dir + "/memory.max", max);
        write(dir + "/memory.current", current);
    }
    void write_cgroup_v1(const std::string& dir, uint64_t limit, uint64_t usage) {
        write(dir + "/memory.limit_in_bytes", limit);
        write(dir + "/memory.usage_in_bytes", usage);
    }
    core::MemoryProbeSources sources() const {
        return {root_ / "proc", root_ / "cgroup", /*rlimits=*/false, 1};
    }
    MemoryAvailability probe() const { return core::probe_available_memory(sources()); }

private:
    fs::path root_;
};

const MemoryLimit* find(const MemoryAvailability& a, const std::string& source) {
    for (const MemoryLimit& l : a.limits) {
        if (l.source == source) return &l;
    }
    return nullptr;
}

// The probe's answer: the limit in force, `bytes`, and where it comes from, `source`.
void expect_limit(const MemoryAvailability& a, uint64_t bytes, const std::string& source) {
    EXPECT_EQ(a.bytes, bytes) << source;
    EXPECT_EQ(a.source, source);
}

TEST(MemoryProbe, MemAvailableAloneIsTheLimit) {
    FakeSystem sys;
    sys.write("proc/meminfo", "MemTotal:       32000000 kB\nMemAvailable:    8388608 kB\n");
    const auto a = sys.probe();
    expect_limit(a, 8 * kGiB, "MemAvailable");
}

TEST(MemoryProbe, CgroupV2LimitOfTheProcessAndItsParentsApplies) {
    FakeSystem sys;
    sys.write_process(32 * kGiB, "0::/jobs/kizuna\n");
    sys.write("cgroup/cgroup.controllers", "cpu memory\n");
    // The job's own cgroup: 4 GiB, 1 GiB used of which 256 MiB is reclaimable file cache.
    sys.write_cgroup_v2("cgroup/jobs/kizuna", 4 * kGiB, kGiB);
    sys.write("cgroup/jobs/kizuna/memory.stat",
              "anon 1\ninactive_file " + std::to_string(256 * kMiB) + "\n");
    // The parent: no limit.
    sys.write("cgroup/jobs/memory.max", "max\n");
    auto a = sys.probe();
    expect_limit(a, 4 * kGiB - kGiB + 256 * kMiB, "cgroup v2 memory.max");
    // A tighter parent wins.
    sys.write_cgroup_v2("cgroup/jobs", 2 * kGiB, kGiB);
    a = sys.probe();
    EXPECT_EQ(a.bytes, kGiB);
    ASSERT_NE(find(a, "MemAvailable"), nullptr);
    EXPECT_EQ(find(a, "MemAvailable")->bytes, 32 * kGiB);
}

TEST(MemoryProbe, CgroupV2UnderTheHybridUnifiedMount) {
    FakeSystem sys;
    sys.write_process(32 * kGiB, "4:memory:/\n0::/box\n");
    sys.write("cgroup/unified/cgroup.controllers", "memory\n");
    sys.write_cgroup_v2("cgroup/unified/box", 3 * kGiB, 0);
    const auto a = sys.probe();
    expect_limit(a, 3 * kGiB, "cgroup v2 memory.max");
}

TEST(MemoryProbe, CgroupV1LimitAndItsUnlimitedValue) {
    FakeSystem sys;
    sys.write_process(32 * kGiB, "7:cpu,cpuacct:/\n4:memory:/docker/abc\n0::/\n");
    sys.write_cgroup_v1("cgroup/memory/docker/abc", 6 * kGiB, 2 * kGiB);
    sys.write("cgroup/memory/docker/abc/memory.stat",
              "cache 5\ntotal_inactive_file " + std::to_string(kGiB) + "\n");
    auto a = sys.probe();
    expect_limit(a, 5 * kGiB, "cgroup v1 memory.limit_in_bytes");
    sys.write("cgroup/memory/docker/abc/memory.limit_in_bytes", "9223372036854771712\n");
    a = sys.probe();
    EXPECT_EQ(a.source, "MemAvailable");
}

TEST(MemoryProbe, AContainerSeesItsOwnCgroupAtTheMountPoint) {
    FakeSystem sys;
    sys.write_process(32 * kGiB, "4:memory:/host/path/not/visible\n");
    sys.write_cgroup_v1("cgroup/memory", kGiB, 0);
    const auto a = sys.probe();
    EXPECT_EQ(a.bytes, kGiB);
}

TEST(MemoryProbe, NothingReadableSaysSo) {
    FakeSystem sys;
    const auto a = sys.probe();
    EXPECT_EQ(a.bytes, 0u);
    EXPECT_TRUE(a.limits.empty());
    EXPECT_FALSE(a.source.empty());
}

TEST(MemoryProbe, ThisMachineReportsSomething) {
    const auto a = probe_available_memory();
    EXPECT_GT(a.bytes, 0u) << a.source;
    EXPECT_NE(find(a, "MemAvailable"), nullptr);
}

// The "VmSize" / "VmData" line of /proc/self/status in bytes (0 when missing).
uint64_t status_bytes(const std::string& key) {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind(key + ":", 0) == 0) return std::stoull(line.substr(key.size() + 1)) * 1024;
    }
    return 0;
}

// ulimit -v and ulimit -d appear as limits, less what the process already uses (checked in a
// child: the limits stay there). The limits are set 64 GiB above the current use, so that they
// bind nothing here (sanitizers reserve terabytes of address space).
TEST(MemoryProbe, ResourceLimitsAreLimits) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        const uint64_t as_limit = status_bytes("VmSize") + 64 * kGiB;
        const uint64_t data_limit = status_bytes("VmData") + 64 * kGiB;
        rlimit as{as_limit, as_limit};
        rlimit data{data_limit, data_limit};
        if (::setrlimit(RLIMIT_AS, &as) != 0 || ::setrlimit(RLIMIT_DATA, &data) != 0) ::_exit(2);
        const auto a = probe_available_memory();
        const MemoryLimit* as_found = find(a, "RLIMIT_AS");
        const MemoryLimit* data_found = find(a, "RLIMIT_DATA");
        const bool ok = as_found && data_found && as_found->bytes <= 64 * kGiB &&
                        data_found->bytes <= 64 * kGiB && data_found->bytes > 60 * kGiB;
        ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "RLIMIT_AS / RLIMIT_DATA missing or wrong";
}

TEST(FormatBytes, BinaryUnits) {
    EXPECT_EQ(format_bytes(37), "37 bytes");
    EXPECT_EQ(format_bytes(1536), "1.5 KiB");
    EXPECT_EQ(format_bytes(512 * kMiB), "512 MiB");
    EXPECT_EQ(format_bytes(4 * kGiB), "4.0 GiB");
    EXPECT_EQ(format_bytes(9 * kGiB + 300 * kMiB), "9.3 GiB");
}

TEST(MemoryBudget, ChecksANeedAndSaysWhatIsAvailable) {
    const auto budget = MemoryBudget::fixed(4 * kGiB, "--memory");
    EXPECT_EQ(budget.bytes(), 4 * kGiB);
    EXPECT_TRUE(budget.check(4 * kGiB, "job", ""));
    auto r = budget.check(9 * kGiB + 300 * kMiB, "in.png: upscaling", "use --memory 10G");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::out_of_memory);
    EXPECT_EQ(r.error().message,
              "in.png: upscaling needs about 9.3 GiB, more than the memory budget of 4.0 GiB "
              "(--memory); use --memory 10G");
}

TEST(MemoryBudget, DefaultIsAShareOfTheAvailableMemory) {
    MemoryAvailability a;
    a.bytes = 16 * kGiB;
    a.source = "cgroup v2 memory.max";
    const auto budget = MemoryBudget::from_available(a);
    EXPECT_EQ(budget.bytes(), 12 * kGiB);
    EXPECT_EQ(budget.describe(),
              "12.0 GiB (75% of the 16.0 GiB available, by cgroup v2 memory.max)");
    EXPECT_EQ(MemoryBudget::from_available(a, 0.5).bytes(), 8 * kGiB);
}

TEST(MemoryBudget, BytesLeftIsWhatATilerMayUse) {
    const auto budget = MemoryBudget::fixed(kGiB, "--memory");
    EXPECT_EQ(budget.bytes_left(256 * kMiB), 768 * kMiB);
    EXPECT_EQ(budget.bytes_left(2 * kGiB), 0u);
}

}  // namespace
}  // namespace kizuna
