// Runs a test program's fast CPU kernels on one SIMD target, chosen by the environment variable
// KIZUNA_SIMD_TARGET (a Highway target name: AVX3, AVX2, SSE4, SSSE3, SCALAR or EMU128), in the
// manner of dav1d's checkasm, which runs every code path of a kernel and not only the one the
// machine would pick. Unset, the kernels pick the best target as in production. A target this build
// or CPU lacks exits with code 77, which ctest reports as skipped (SKIP_RETURN_CODE), never as
// passed.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "stages/cpu/simd.hpp"

namespace {

class SimdTargetEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        const char* want = std::getenv("KIZUNA_SIMD_TARGET");
        if (want == nullptr || *want == '\0') return;
        if (!kizuna::stages::limit_simd_target(want)) {
            std::string have;
            for (const auto& t : kizuna::stages::simd_targets()) have += " " + t;
            std::printf(
                "SIMD target %s: not in this build or not run by this CPU (have:%s); "
                "skipping\n",
                want, have.c_str());
            std::fflush(stdout);
            std::_Exit(77);
        }
        const std::string reached = kizuna::stages::dispatched_simd_target();
        if (kizuna::stages::simd_target() != want || reached != want) {
            std::printf("SIMD target %s asked for, but the kernels dispatch to %s\n", want,
                        reached.c_str());
            std::fflush(stdout);
            std::_Exit(1);
        }
        const auto level = kizuna::stages::simd_level();
        std::printf("SIMD target %s (compiler-vectorised kernels: %s)\n",
                    kizuna::stages::simd_target().c_str(),
                    level == kizuna::stages::SimdLevel::avx512 ? "avx512"
                    : level == kizuna::stages::SimdLevel::avx2 ? "avx2"
                                                               : "baseline");
    }
};

const auto* const registered = ::testing::AddGlobalTestEnvironment(new SimdTargetEnvironment);

}  // namespace
