#include "job_limits.hpp"

#include <CLI/CLI.hpp>

#include <cmath>

#include <fmt/format.h>

#include "kizuna/log.hpp"
#include "kizuna/parse_number.hpp"

namespace kizuna::cli {

void add_job_limit_options(CLI::App* cmd, JobLimits& limits, bool with_strict) {
    limits.memory_option =
        cmd->add_option("--memory", limits.memory,
                        "Memory budget of the job, e.g. 4G or 512M (default: 75% of the memory "
                        "available to the process, cgroup and ulimit included)");
    if (with_strict) {
        cmd->add_flag("--strict", limits.strict,
                      "Refuse to drop data the output cannot hold (frames after the first, "
                      "alpha, bits per channel) instead of noting it");
    }
}

Result<MemoryBudget> budget_of(const JobLimits& limits) {
    if (limits.memory_option && limits.memory_option->count() > 0) {
        auto bytes = parse_byte_size(limits.memory, "--memory");
        if (!bytes) return std::move(bytes).error();
        return MemoryBudget::fixed(*bytes, "--memory");
    }
    return MemoryBudget::from_available(probe_available_memory());
}

std::string over_budget_hint(uint64_t need, const std::string& smaller) {
    constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
    const double gib = static_cast<double>(need) / kGiB;
    const std::string amount = gib >= 1.0 ? fmt::format("{}G", std::ceil(gib * 10) / 10)
                                          : fmt::format("{}M", std::ceil(gib * 1024));
    return fmt::format("give it more with --memory {} if the machine has it, or use {}", amount,
                       smaller);
}

Result<void> report_loss(const JobLimits& limits, const std::string& message) {
    if (limits.strict) return make_error(Errc::unsupported, message + " (--strict)");
    log(LogLevel::warn, "notice: " + message);
    return {};
}

}  // namespace kizuna::cli
