// The kernel-check harness itself: its comparisons must catch what they promise to catch, or
// every kernel test built on it passes vacuously.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kernel_check.hpp"

namespace kizuna::test {
namespace {

TEST(KernelCheck, ExactComparisonCatchesOneUlpAndSignedZero) {
    const std::vector<float> ref = {0.25f, 0.0f, 1.0f};
    std::vector<float> got = ref;
    EXPECT_TRUE(compare_values(got, ref, {}, {}, "same"));
    got[0] = std::nextafter(0.25f, 1.0f);
    EXPECT_FALSE(compare_values(got, ref, {}, {}, "one ulp"));
    got = ref;
    got[1] = -0.0f;
    EXPECT_FALSE(compare_values(got, ref, {}, {}, "signed zero"));
}

TEST(KernelCheck, ToleranceIsAbsolutePlusRelative) {
    const std::vector<float> ref = {10.0f};
    EXPECT_TRUE(compare_values(std::vector<float>{10.5f}, ref, {0.0f, 0.05f}, {}, "rel ok"));
    EXPECT_FALSE(compare_values(std::vector<float>{10.6f}, ref, {0.0f, 0.05f}, {}, "rel over"));
    EXPECT_TRUE(compare_values(std::vector<float>{10.55f}, ref, {0.1f, 0.05f}, {}, "abs+rel ok"));
}

TEST(KernelCheck, NanMatchesOnlyNan) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    EXPECT_TRUE(compare_values(std::vector<float>{nan}, std::vector<float>{nan}, {1, 1}, {}, ""));
    EXPECT_FALSE(compare_values(std::vector<float>{nan}, std::vector<float>{0}, {1, 1}, {}, ""));
    EXPECT_FALSE(compare_values(std::vector<float>{0}, std::vector<float>{nan}, {1, 1}, {}, ""));
}

TEST(KernelCheck, FailureNamesPositionAndCase) {
    std::vector<float> ref(2 * 3 * 4, 0.5f), got = ref;
    got[1 * 12 + 2 * 4 + 3] = 0.75f;  // channel 1, y 2, x 3
    const auto r = compare_values(got, ref, {1e-3f, 0}, {4, 3}, "kernel X seed 7");
    ASSERT_FALSE(r);
    const std::string msg = r.message();
    EXPECT_NE(msg.find("channel 1 y 2 x 3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("kernel X seed 7"), std::string::npos) << msg;
}

TEST(KernelCheck, BytesWithinLevels) {
    const std::vector<uint8_t> ref = {0, 128, 255};
    EXPECT_TRUE(compare_bytes(std::vector<uint8_t>{1, 127, 255}, ref, 1, {}, ""));
    EXPECT_FALSE(compare_bytes(std::vector<uint8_t>{2, 128, 255}, ref, 1, {}, ""));
    EXPECT_FALSE(compare_bytes(std::vector<uint8_t>{0, 128}, ref, 1, {}, "short"));
}

TEST(KernelCheck, FillsStayInTheirRanges) {
    std::mt19937 rng(case_seed(5));
    std::vector<float> v(4096);
    fill_values(v, Fill::random, rng, -2.0f, 3.0f);
    for (float x : v) ASSERT_TRUE(x >= -2.0f && x <= 3.0f) << x;
    fill_values(v, Fill::extremes, rng, -2.0f, 3.0f);
    bool saw_lo = false, saw_hi = false;
    for (float x : v) {
        ASSERT_TRUE(x >= -2.0f && x <= 3.0f) << x;
        saw_lo |= x == -2.0f;
        saw_hi |= x == 3.0f;
    }
    EXPECT_TRUE(saw_lo && saw_hi);
    fill_values(v, Fill::wide, rng, 0.0f, 1.0f);
    bool below = false, above = false;
    for (float x : v) {
        ASSERT_TRUE(x >= -0.25f && x <= 1.25f) << x;
        below |= x < 0.0f;
        above |= x > 1.0f;
    }
    EXPECT_TRUE(below && above);
}

TEST(KernelCheck, SeedsAreReproducible) {
    EXPECT_EQ(case_seed(42), case_seed(42));
    EXPECT_NE(case_seed(42), case_seed(43));
    std::mt19937 a(case_seed(9)), b(case_seed(9));
    std::vector<float> va(64), vb(64);
    fill_values(va, Fill::random, a);
    fill_values(vb, Fill::random, b);
    EXPECT_EQ(va, vb);
}

TEST(KernelCheck, OddSizesCoverVectorEdges) {
    bool w1 = false, w16 = false, w17 = false, w65 = false, wide = false;
    for (const Size& s : odd_sizes()) {
        w1 |= s.width == 1 && s.height == 1;
        w16 |= s.width == 16;
        w17 |= s.width == 17;
        w65 |= s.width == 65;
        wide |= s.width > 512;
    }
    EXPECT_TRUE(w1 && w16 && w17 && w65 && wide);
}

}  // namespace
}  // namespace kizuna::test
