#include "kizuna/memory_budget.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace kizuna {

std::string format_bytes(uint64_t bytes) {
    constexpr uint64_t kKiB = 1024;
    if (bytes < kKiB) return fmt::format("{} bytes", bytes);
    const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = static_cast<double>(bytes) / kKiB;
    int u = 0;
    while (v >= 1024 && u < 5) {
        v /= 1024;
        ++u;
    }
    // Up to MiB whole numbers read best ("512 MiB"); from GiB one decimal matters ("1.5 GiB").
    if (u < 2 && v >= 10) return fmt::format("{:.0f} {}", v, units[u]);
    return fmt::format("{:.1f} {}", v, units[u]);
}

MemoryBudget MemoryBudget::from_available(const MemoryAvailability& available, double share) {
    if (!(share > 0 && share <= 1)) share = default_share;
    const auto bytes =
        static_cast<uint64_t>(std::floor(static_cast<double>(available.bytes) * share));
    return MemoryBudget(bytes,
                        fmt::format("{} ({:.0f}% of the {} available, by {})", format_bytes(bytes),
                                    share * 100, format_bytes(available.bytes), available.source));
}

MemoryBudget MemoryBudget::fixed(uint64_t bytes, std::string source) {
    return MemoryBudget(bytes, fmt::format("{} ({})", format_bytes(bytes), source));
}

std::string MemoryBudget::describe() const {
    return description_;
}

Result<void> MemoryBudget::check(uint64_t need, std::string_view what,
                                 std::string_view hint) const {
    if (need <= bytes_) return {};
    std::string msg = fmt::format("{} needs about {}, more than the memory budget of {}", what,
                                  format_bytes(need), description_);
    if (!hint.empty()) msg += fmt::format("; {}", hint);
    return make_error(Errc::out_of_memory, std::move(msg));
}

}  // namespace kizuna
