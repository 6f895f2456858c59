#include "core/cpu_features.hpp"

#include <sched.h>

#include <cpuid.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/logging.hpp"

namespace kizuna {
namespace {

constexpr const char* kLevelNames[] = {"scalar", "ssse3", "sse4", "avx2", "avx512"};

std::string cpu_brand_string() {
    unsigned int max_ext = __get_cpuid_max(0x80000000u, nullptr);
    if (max_ext < 0x80000004u) return "unknown CPU";
    char brand[49] = {};
    for (unsigned int i = 0; i < 3; ++i) {
        unsigned int regs[4];
        __get_cpuid(0x80000002u + i, &regs[0], &regs[1], &regs[2], &regs[3]);
        std::memcpy(brand + 16 * i, regs, sizeof regs);
    }
    std::string s(brand);
    const auto first = s.find_first_not_of(' ');
    const auto last = s.find_last_not_of(' ');
    return first == std::string::npos ? "unknown CPU" : s.substr(first, last - first + 1);
}

int available_threads() {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        const int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
    const unsigned int hc = std::thread::hardware_concurrency();
    return hc ? static_cast<int>(hc) : 1;
}

bool has_f16c() {
    unsigned int a, b, c, d;
    return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_F16C);
}

CpuLevel detect_level() {
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("fma"))
        return CpuLevel::avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && has_f16c())
        return CpuLevel::avx2;
    if (__builtin_cpu_supports("sse4.2")) return CpuLevel::sse4;
    if (__builtin_cpu_supports("ssse3")) return CpuLevel::ssse3;
#endif
    return CpuLevel::scalar;
}

// The cap, starting from KIZUNA_CPU_MAX.
std::atomic<CpuLevel>& cap() {
    static std::atomic<CpuLevel> value = [] {
        const char* env = std::getenv("KIZUNA_CPU_MAX");
        if (env == nullptr || *env == '\0') return CpuLevel::avx512;
        if (auto level = parse_cpu_level(env)) return *level;
        KZ_LOG_WARN("KIZUNA_CPU_MAX: not one of scalar, ssse3, sse4, avx2, avx512; ignored");
        return CpuLevel::avx512;
    }();
    return value;
}

std::mutex& observer_mutex() {
    static std::mutex m;
    return m;
}
std::vector<core::CpuCapObserver>& observers() {
    static std::vector<core::CpuCapObserver> list;
    return list;
}

}  // namespace

const char* cpu_level_name(CpuLevel level) noexcept {
    const auto i = static_cast<size_t>(level);
    return i < std::size(kLevelNames) ? kLevelNames[i] : "?";
}

std::optional<CpuLevel> parse_cpu_level(std::string_view name) noexcept {
    for (size_t i = 0; i < std::size(kLevelNames); ++i) {
        if (name == kLevelNames[i]) return static_cast<CpuLevel>(i);
    }
    return std::nullopt;
}

void set_cpu_max(CpuLevel level) noexcept {
    cap().store(level);
    std::vector<core::CpuCapObserver> list;
    {
        std::lock_guard lock(observer_mutex());
        list = observers();
    }
    for (auto fn : list) fn();
}

CpuLevel cpu_max() noexcept {
    return cap().load(std::memory_order_relaxed);
}

CpuLevel cpu_level() noexcept {
    const CpuLevel detected = core::detected_cpu_level();
    const CpuLevel limit = cpu_max();
    return limit < detected ? limit : detected;
}

CpuInfo probe_cpu() {
    __builtin_cpu_init();
    CpuInfo info;
    info.model = cpu_brand_string();
    info.threads = available_threads();
    info.sse41 = __builtin_cpu_supports("sse4.1");
    info.avx2 = __builtin_cpu_supports("avx2");
    info.fma = __builtin_cpu_supports("fma");
    info.avx512f = __builtin_cpu_supports("avx512f");
    info.avx512bw = __builtin_cpu_supports("avx512bw");
    info.avx512vnni = __builtin_cpu_supports("avx512vnni");
    info.f16c = has_f16c();
    info.detected = core::detected_cpu_level();
    info.in_force = cpu_level();
    info.capped = info.in_force < info.detected;
    return info;
}

namespace core {

CpuLevel detected_cpu_level() noexcept {
    static const CpuLevel level = detect_level();
    return level;
}

void add_cpu_cap_observer(CpuCapObserver observer) {
    std::lock_guard lock(observer_mutex());
    observers().push_back(observer);
}

}  // namespace core
}  // namespace kizuna
