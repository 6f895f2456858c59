#include <sched.h>

#include <cpuid.h>

#include <cstring>
#include <string>
#include <thread>

#include "kizuna/probe.hpp"

namespace kizuna {
namespace {

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

}  // namespace

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
    unsigned int a, b, c, d;
    info.f16c = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_F16C);
    return info;
}

}  // namespace kizuna
