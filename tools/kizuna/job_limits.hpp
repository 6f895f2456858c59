// What every command that allocates or writes runs under: a memory budget checked before any
// large allocation (--memory), and whether data that the output cannot hold (frames after the
// first, alpha, bits) is a notice or an error (--strict).
#pragma once

#include <cstdint>
#include <string>

#include "cli_fwd.hpp"
#include "kizuna/error.hpp"
#include "kizuna/memory_budget.hpp"

namespace kizuna::cli {

struct JobLimits {
    std::string memory;  // --memory as typed; not given: the default budget
    CLI::Option* memory_option = nullptr;
    bool strict = false;  // --strict
};

// Adds --memory and, when `with_strict`, --strict to `cmd`.
void add_job_limit_options(CLI::App* cmd, JobLimits& limits, bool with_strict);

// The budget: --memory when given (parsed strictly), else MemoryBudget::default_share of what
// probe_available_memory() finds.
Result<MemoryBudget> budget_of(const JobLimits& limits);

// The advice appended to an over-budget error: the --memory value that would admit `need`, and
// `smaller` (e.g. "a smaller input or --scale").
std::string over_budget_hint(uint64_t need, const std::string& smaller);

// Data the output will not hold. Logs "notice: <message>" (warning level) and returns ok, or,
// under --strict, returns the message as an error with " (--strict)" appended.
Result<void> report_loss(const JobLimits& limits, const std::string& message);

}  // namespace kizuna::cli
