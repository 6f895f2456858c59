// How much memory this process may use, and the budget every job is checked against before it
// allocates. A job estimates its peak (kizuna/job_memory.hpp) and asks check(); a part of a job
// that can work in bounded pieces (a tiler) asks bytes_left() how much it may use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kizuna/error.hpp"

namespace kizuna {

// One limit on this process's memory.
struct MemoryLimit {
    uint64_t bytes = 0;  // what the process may still allocate under this limit
    std::string source;  // "MemAvailable", "cgroup v2 memory.max", "cgroup v1
                         // memory.limit_in_bytes", "RLIMIT_AS" or "RLIMIT_DATA"
};

struct MemoryAvailability {
    uint64_t bytes = 0;  // the smallest of `limits`: what the process may still allocate
    std::string source;  // the source of that limit
    std::vector<MemoryLimit> limits;  // every limit found, in the order of the list below
};

// Reads, on Linux:
//  - /proc/meminfo MemAvailable (the kernel's estimate of memory available without swapping);
//  - the cgroup v2 memory.max of this process's cgroup and of every parent, less its
//    memory.current, plus its inactive file cache (memory.stat inactive_file), which the kernel
//    reclaims first (the unified hierarchy at /sys/fs/cgroup, or /sys/fs/cgroup/unified);
//  - the cgroup v1 memory.limit_in_bytes of the memory controller, less memory.usage_in_bytes,
//    plus total_inactive_file; "unlimited" values (>= 2^62) count as no limit;
//  - RLIMIT_AS less the current address space (VmSize) and less the address space that worker
//    threads reserve (an 8 MiB stack and a 64 MiB malloc arena per hardware thread);
//    RLIMIT_DATA less VmData.
// A source that cannot be read is left out; with none at all, bytes is 0 and source says so.
// Thread safe (reads files and calls getrlimit only).
MemoryAvailability probe_available_memory();

// "512 MiB", "4.0 GiB", "1.5 KiB", "37 bytes": binary units, one decimal from GiB up.
std::string format_bytes(uint64_t bytes);

// The memory a job may use. Copyable value; thread safe to read.
class MemoryBudget {
public:
    // Share of the available memory a job gets by default: the rest covers the error of the
    // estimates and what other processes allocate meanwhile.
    static constexpr double default_share = 0.75;

    // default_share (or `share`, in (0, 1]) of what `available` reports.
    static MemoryBudget from_available(const MemoryAvailability& available,
                                       double share = default_share);
    // A budget set by the user; `source` names where it came from in messages ("--memory").
    static MemoryBudget fixed(uint64_t bytes, std::string source);

    // Total bytes the job may use at its peak (the whole process, including the program itself).
    uint64_t bytes() const noexcept { return bytes_; }

    // Bytes left for one part of a job once the rest of the job holds `committed` bytes; 0 when
    // the rest alone is over the budget. A tiler sizes its tiles so that its working memory stays
    // within this.
    uint64_t bytes_left(uint64_t committed) const noexcept {
        return committed >= bytes_ ? 0 : bytes_ - committed;
    }

    // "4.0 GiB (--memory)", or "11.2 GiB (75% of the 15.0 GiB available, by MemAvailable)".
    std::string describe() const;

    // Ok when `need` <= bytes(). Otherwise Errc::out_of_memory with one line:
    //   "<what> needs about 9.3 GiB, more than the memory budget of 4.0 GiB (--memory); <hint>"
    // The hint is the caller's (e.g. which option raises the budget); it may be empty.
    Result<void> check(uint64_t need, std::string_view what, std::string_view hint) const;

private:
    MemoryBudget(uint64_t bytes, std::string description)
        : bytes_(bytes), description_(std::move(description)) {}
    uint64_t bytes_ = 0;
    std::string description_;
};

}  // namespace kizuna
