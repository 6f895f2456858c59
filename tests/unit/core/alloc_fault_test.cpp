// The allocation fault hooks that the out-of-memory tests rely on.
#include <gtest/gtest.h>

#include "core/alloc_fault.hpp"
#include "kizuna/tensor.hpp"

namespace kizuna {
namespace {

TEST(AllocFault, NthAllocationFailsOnce) {
    detail::fail_nth_allocation(2);
    EXPECT_TRUE(Tensor::create(1, 4, 4).ok());
    auto second = Tensor::create(1, 4, 4);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, Errc::out_of_memory);
    EXPECT_TRUE(Tensor::create(1, 4, 4).ok());
    detail::clear_allocation_faults();
}

TEST(AllocFault, MinimumSizeSkipsSmallAllocations) {
    detail::fail_nth_allocation(1, 1 << 20);
    EXPECT_TRUE(Tensor::create(1, 8, 8).ok());
    EXPECT_FALSE(Tensor::create(1, 1024, 1024).ok());
    EXPECT_TRUE(Tensor::create(1, 1024, 1024).ok());
    detail::clear_allocation_faults();
}

TEST(AllocFault, LimitFailsEveryLargerAllocation) {
    detail::fail_allocations_above(64 * 1024);
    EXPECT_TRUE(Tensor::create(1, 64, 64).ok());  // 16 KiB
    EXPECT_FALSE(Tensor::create(1, 256, 256).ok());
    EXPECT_FALSE(Tensor::create(1, 256, 256).ok());
    detail::fail_allocations_above(0);
    EXPECT_TRUE(Tensor::create(1, 256, 256).ok());
    detail::clear_allocation_faults();
}

}  // namespace
}  // namespace kizuna
