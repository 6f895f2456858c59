// The stages' kernels follow the process-wide CPU level (core/cpu_features): the Highway target a
// kernel call really reaches and the compiler-vectorised variant both match cpu_level(), also
// after set_cpu_max changes it at run time.
#include <gtest/gtest.h>

#include <string>

#include "kizuna/probe.hpp"
#include "stages/cpu/simd.hpp"

namespace kizuna::stages {
namespace {

bool target_matches(CpuLevel level, const std::string& target) {
    switch (level) {
        case CpuLevel::avx512:
            return target.rfind("AVX3", 0) == 0;
        case CpuLevel::avx2:
            return target == "AVX2";
        case CpuLevel::sse4:
            return target == "SSE4";
        case CpuLevel::ssse3:
            return target == "SSSE3";
        case CpuLevel::scalar:
            return target == "SCALAR" || target == "EMU128";
    }
    return false;
}

SimdLevel expected_simd(CpuLevel level) {
    return level == CpuLevel::avx512 ? SimdLevel::avx512
           : level == CpuLevel::avx2 ? SimdLevel::avx2
                                     : SimdLevel::baseline;
}

TEST(SimdDispatch, FollowsTheLevelInForce) {
    const CpuLevel level = cpu_level();
    const std::string reached = dispatched_simd_target();
    EXPECT_TRUE(target_matches(level, reached))
        << "level " << cpu_level_name(level) << " reaches " << reached;
    EXPECT_EQ(simd_target(), reached);
    EXPECT_EQ(simd_level(), expected_simd(level));
}

TEST(SimdDispatch, FollowsSetCpuMaxAtRunTime) {
    const CpuLevel before = cpu_max();
    const CpuLevel detected = probe_cpu().detected;
    for (CpuLevel l :
         {CpuLevel::scalar, CpuLevel::ssse3, CpuLevel::sse4, CpuLevel::avx2, CpuLevel::avx512}) {
        if (l > detected) break;
        set_cpu_max(l);
        const std::string reached = dispatched_simd_target();
        EXPECT_TRUE(target_matches(l, reached))
            << "set_cpu_max(" << cpu_level_name(l) << ") reaches " << reached;
        EXPECT_EQ(simd_level(), expected_simd(l));
    }
    set_cpu_max(before);
    EXPECT_TRUE(target_matches(cpu_level(), dispatched_simd_target()));
}

}  // namespace
}  // namespace kizuna::stages
