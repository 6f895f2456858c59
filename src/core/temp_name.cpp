#include "core/temp_name.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <random>

namespace kizuna::core {

std::string temp_name_prefix(std::string_view name, size_t name_max) {
    constexpr std::string_view kTag = ".kizuna-tmp-";
    const size_t fixed = 1 + kTag.size() + kTempRandomChars;  // leading '.', tag, random part
    size_t keep = name_max > fixed ? std::min(name.size(), name_max - fixed) : 0;
    // Do not cut a UTF-8 sequence: back up over continuation bytes.
    while (keep > 0 && keep < name.size() &&
           (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) {
        --keep;
    }
    std::string prefix = ".";
    prefix.append(name.substr(0, keep));
    prefix.append(kTag);
    return prefix;
}

std::string random_temp_suffix() {
    static std::atomic<uint64_t> counter{0};
    thread_local std::mt19937_64 rng{std::random_device{}() ^
                                     (static_cast<uint64_t>(::getpid()) << 32)};
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    uint64_t v = rng() ^ counter.fetch_add(0x9e3779b97f4a7c15ULL, std::memory_order_relaxed);
    std::string s(kTempRandomChars, 'a');
    for (char& c : s) {
        c = alphabet[v % 36];
        v /= 36;
    }
    return s;
}

size_t name_max_of(const char* dir) {
    const long n = ::pathconf(dir, _PC_NAME_MAX);
    return n > 0 ? static_cast<size_t>(n) : 255;
}

}  // namespace kizuna::core
