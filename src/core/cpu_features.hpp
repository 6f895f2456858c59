// The one authority on what the CPU supports (internal side of kizuna/probe.hpp). Detection runs
// once; every fast path asks cpu_level() (or kizuna::cpu_level()) instead of probing the CPU
// itself, so the cap (KIZUNA_CPU_MAX, set_cpu_max) reaches them all.
#pragma once

#include "kizuna/probe.hpp"

namespace kizuna::core {

// The best level this CPU runs (ignores the cap). Detected once; thread safe.
CpuLevel detected_cpu_level() noexcept;

// Called after every change of the cap (set_cpu_max), on the thread that changed it. A module
// whose dispatch keeps its own state (Highway's target mask in stages) registers one to follow
// the cap. Registration is thread safe; observers are never removed.
using CpuCapObserver = void (*)();
void add_cpu_cap_observer(CpuCapObserver observer);

}  // namespace kizuna::core
