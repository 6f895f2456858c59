// The memory probe with its file locations as parameters, so tests can point it at fake trees.
#pragma once

#include <filesystem>

#include "kizuna/memory_budget.hpp"

namespace kizuna::core {

struct MemoryProbeSources {
    std::filesystem::path proc = "/proc";                  // meminfo, self/cgroup, self/status
    std::filesystem::path cgroup_root = "/sys/fs/cgroup";  // where the hierarchies are mounted
    bool rlimits = true;                                   // also consult getrlimit
    int threads = 0;  // hardware threads for the RLIMIT_AS reserve; 0 = this machine's
};

MemoryAvailability probe_available_memory(const MemoryProbeSources& sources);

}  // namespace kizuna::core
