// Runs a test program's fast CPU kernels (the stages' Highway and compiler-vectorised kernels and
// the NN's own kernels) at one level, chosen by KIZUNA_CPU_MAX (scalar, ssse3, sse4, avx2,
// avx512), in the manner of dav1d's checkasm, which runs every code path of a kernel and not only
// the one the machine would pick. The cap itself is applied by the library (core/cpu_features);
// this environment checks that it is in force, and exits with code 77 (ctest: skipped, never
// passed) when the CPU does not run the level asked for, because the run would then test a level
// other than the one named, and also when the level asked for is the CPU's own best level: the
// program's default run (no KIZUNA_CPU_MAX) already runs exactly those kernels, so the capped run
// would repeat it (on an AVX2 machine, the avx2 run). Whether each module's dispatch follows the
// level is tested by the module (e.g. tests/kernels/stages/simd_dispatch_test.cpp).
#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>

#include "core/cpu_features.hpp"

namespace {

class CpuLevelEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        const char* want = std::getenv("KIZUNA_CPU_MAX");
        if (want == nullptr || *want == '\0') return;
        const auto level = kizuna::parse_cpu_level(want);
        if (!level) {
            std::printf("KIZUNA_CPU_MAX=%s is not a level\n", want);
            std::fflush(stdout);
            std::_Exit(1);
        }
        const kizuna::CpuLevel detected = kizuna::core::detected_cpu_level();
        if (detected < *level) {
            std::printf("KIZUNA_CPU_MAX=%s: this CPU runs only %s; skipping\n", want,
                        kizuna::cpu_level_name(detected));
            std::fflush(stdout);
            std::_Exit(77);
        }
        if (detected == *level) {
            std::printf(
                "KIZUNA_CPU_MAX=%s is this CPU's own level: the program's default run "
                "covers it; skipping\n",
                want);
            std::fflush(stdout);
            std::_Exit(77);
        }
        if (kizuna::cpu_level() != *level) {
            std::printf("KIZUNA_CPU_MAX=%s asked for, but the level in force is %s\n", want,
                        kizuna::cpu_level_name(kizuna::cpu_level()));
            std::fflush(stdout);
            std::_Exit(1);
        }
        std::printf("CPU level %s (KIZUNA_CPU_MAX)\n", want);
    }
};

const auto* const registered = ::testing::AddGlobalTestEnvironment(new CpuLevelEnvironment);

}  // namespace
