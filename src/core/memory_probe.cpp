#include "core/memory_probe.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

namespace kizuna {
namespace core {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kUnlimited = uint64_t{1} << 62;  // cgroup "no limit" values are near 2^63
constexpr uint64_t kMiB = uint64_t{1} << 20;

std::optional<std::string> read_text(const fs::path& path) {
    std::ifstream f(path);
    if (!f) return std::nullopt;
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::optional<uint64_t> to_u64(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    uint64_t v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

// A file holding one number ("max" and unreadable files give nullopt).
std::optional<uint64_t> read_number(const fs::path& path) {
    auto text = read_text(path);
    if (!text) return std::nullopt;
    return to_u64(*text);
}

// The value of `key` in a "key value [unit]" file (meminfo, memory.stat, status), times
// `unit` when the line ends in "kB".
std::optional<uint64_t> read_keyed(const fs::path& path, std::string_view key) {
    auto text = read_text(path);
    if (!text) return std::nullopt;
    std::istringstream lines(*text);
    std::string line;
    while (std::getline(lines, line)) {
        std::string_view l = line;
        if (!l.starts_with(key)) continue;
        l.remove_prefix(key.size());
        if (l.empty() || (l.front() != ':' && l.front() != ' ' && l.front() != '\t')) continue;
        if (l.front() == ':') l.remove_prefix(1);
        const bool kb = l.ends_with(" kB");
        if (kb) l.remove_suffix(3);
        auto v = to_u64(l);
        if (!v) return std::nullopt;
        return kb ? *v * 1024 : *v;
    }
    return std::nullopt;
}

uint64_t headroom(uint64_t limit, uint64_t used, uint64_t reclaimable) {
    const uint64_t usage = used > reclaimable ? used - reclaimable : 0;
    return limit > usage ? limit - usage : 0;
}

// The cgroup path of this process in the hierarchy of `controller` ("" = the v2 unified
// hierarchy, whose line is "0::/path"), from /proc/self/cgroup.
std::optional<std::string> cgroup_path(const fs::path& proc, std::string_view controller) {
    auto text = read_text(proc / "self" / "cgroup");
    if (!text) return std::nullopt;
    std::istringstream lines(*text);
    std::string line;
    while (std::getline(lines, line)) {
        const size_t a = line.find(':');
        const size_t b = a == std::string::npos ? a : line.find(':', a + 1);
        if (b == std::string::npos) continue;
        const std::string_view controllers = std::string_view(line).substr(a + 1, b - a - 1);
        bool match = controller.empty() ? controllers.empty() : false;
        for (size_t pos = 0; !controller.empty() && pos <= controllers.size();) {
            const size_t comma = std::min(controllers.find(',', pos), controllers.size());
            if (controllers.substr(pos, comma - pos) == controller) match = true;
            pos = comma + 1;
        }
        if (match) return line.substr(b + 1);
    }
    return std::nullopt;
}

// `root`/`rel`, or `root` itself when that folder does not exist (a container whose cgroup
// namespace is not virtualised sees its host path in /proc/self/cgroup but its own cgroup at the
// mount point).
fs::path cgroup_dir(const fs::path& root, const std::string& rel) {
    const fs::path tail = fs::path(rel).relative_path();
    if (tail.empty()) return root;
    std::error_code ec;
    const fs::path dir = root / tail;
    return fs::is_directory(dir, ec) ? dir : root;
}

void add_cgroup_v2(const MemoryProbeSources& src, std::vector<MemoryLimit>& out) {
    auto rel = cgroup_path(src.proc, "");
    if (!rel) return;
    std::error_code ec;
    fs::path root = src.cgroup_root;
    if (!fs::exists(root / "cgroup.controllers", ec)) root = src.cgroup_root / "unified";
    if (!fs::exists(root / "cgroup.controllers", ec)) return;
    std::optional<uint64_t> best;
    // This cgroup and every parent up to the root: the tightest limit applies.
    fs::path dir = cgroup_dir(root, *rel);
    for (int depth = 0; depth < 64; ++depth) {
        const auto max = read_number(dir / "memory.max");  // "max" reads as nullopt
        if (max && *max < kUnlimited) {
            const uint64_t current = read_number(dir / "memory.current").value_or(0);
            const uint64_t inactive = read_keyed(dir / "memory.stat", "inactive_file").value_or(0);
            const uint64_t room = headroom(*max, current, inactive);
            best = best ? std::min(*best, room) : room;
        }
        if (dir == root || dir.parent_path() == dir) break;
        dir = dir.parent_path();
    }
    if (best) out.push_back({*best, "cgroup v2 memory.max"});
}

void add_cgroup_v1(const MemoryProbeSources& src, std::vector<MemoryLimit>& out) {
    auto rel = cgroup_path(src.proc, "memory");
    if (!rel) return;
    const fs::path dir = cgroup_dir(src.cgroup_root / "memory", *rel);
    const auto limit = read_number(dir / "memory.limit_in_bytes");
    if (!limit || *limit >= kUnlimited) return;
    const uint64_t usage = read_number(dir / "memory.usage_in_bytes").value_or(0);
    const uint64_t inactive = read_keyed(dir / "memory.stat", "total_inactive_file").value_or(0);
    out.push_back({headroom(*limit, usage, inactive), "cgroup v1 memory.limit_in_bytes"});
}

void add_rlimits(const MemoryProbeSources& src, std::vector<MemoryLimit>& out) {
    const fs::path status = src.proc / "self" / "status";
    rlimit rl{};
    if (::getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        const int threads =
            src.threads > 0 ? src.threads
                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        const uint64_t reserve = static_cast<uint64_t>(threads) * (8 + 64) * kMiB;
        const uint64_t used = read_keyed(status, "VmSize").value_or(0) + reserve;
        out.push_back({headroom(rl.rlim_cur, used, 0), "RLIMIT_AS"});
    }
    if (::getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        const uint64_t used = read_keyed(status, "VmData").value_or(0);
        out.push_back({headroom(rl.rlim_cur, used, 0), "RLIMIT_DATA"});
    }
}

}  // namespace

MemoryAvailability probe_available_memory(const MemoryProbeSources& sources) {
    MemoryAvailability a;
    if (auto avail = read_keyed(sources.proc / "meminfo", "MemAvailable")) {
        a.limits.push_back({*avail, "MemAvailable"});
    }
    add_cgroup_v2(sources, a.limits);
    add_cgroup_v1(sources, a.limits);
    if (sources.rlimits) add_rlimits(sources, a.limits);
    if (a.limits.empty()) {
        a.source = "no memory limit could be read";
        return a;
    }
    const auto least = std::min_element(
        a.limits.begin(), a.limits.end(),
        [](const MemoryLimit& x, const MemoryLimit& y) { return x.bytes < y.bytes; });
    a.bytes = least->bytes;
    a.source = least->source;
    return a;
}

}  // namespace core

MemoryAvailability probe_available_memory() {
    return core::probe_available_memory(core::MemoryProbeSources{});
}

}  // namespace kizuna
