// The CPU-feature authority: level names, the cap, and the observers that follow it.
#include <gtest/gtest.h>

#include "core/cpu_features.hpp"
#include "kizuna/probe.hpp"

namespace kizuna {
namespace {

int g_observed = 0;

TEST(CpuFeatures, LevelNamesRoundTrip) {
    for (CpuLevel l :
         {CpuLevel::scalar, CpuLevel::ssse3, CpuLevel::sse4, CpuLevel::avx2, CpuLevel::avx512}) {
        const auto back = parse_cpu_level(cpu_level_name(l));
        ASSERT_TRUE(back.has_value()) << cpu_level_name(l);
        EXPECT_EQ(*back, l);
    }
    EXPECT_FALSE(parse_cpu_level("AVX2").has_value());
    EXPECT_FALSE(parse_cpu_level("").has_value());
    EXPECT_FALSE(parse_cpu_level("avx512x").has_value());
}

TEST(CpuFeatures, CapLimitsTheLevelInForceAndNotifies) {
    const CpuLevel before = cpu_max();
    core::add_cpu_cap_observer([] { ++g_observed; });
    const int seen = g_observed;
    set_cpu_max(CpuLevel::scalar);
    EXPECT_EQ(cpu_level(), CpuLevel::scalar);
    EXPECT_EQ(g_observed, seen + 1);
    const CpuInfo info = probe_cpu();
    EXPECT_EQ(info.in_force, CpuLevel::scalar);
    EXPECT_EQ(info.capped, info.detected != CpuLevel::scalar);
    set_cpu_max(CpuLevel::avx512);
    EXPECT_EQ(cpu_level(), core::detected_cpu_level());
    EXPECT_FALSE(probe_cpu().capped);
    set_cpu_max(before);
}

TEST(CpuFeatures, DetectedLevelAgreesWithTheFlags) {
    const CpuInfo info = probe_cpu();
    if (info.detected >= CpuLevel::avx512) {
        EXPECT_TRUE(info.avx512f && info.avx512bw && info.fma);
    }
    if (info.detected >= CpuLevel::avx2) {
        EXPECT_TRUE(info.avx2 && info.fma && info.f16c);
    }
    if (info.detected >= CpuLevel::sse4) {
        EXPECT_TRUE(info.sse41);
    }
    if (info.avx2 && info.fma && info.f16c) {
        EXPECT_GE(info.detected, CpuLevel::avx2);
    }
}

}  // namespace
}  // namespace kizuna
