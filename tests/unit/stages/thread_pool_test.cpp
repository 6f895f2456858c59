// The row-parallel pool: every index runs exactly once, ranges respect the grain, they shrink
// toward the end (so the last one a thread waits for is small), and thread_index() names a
// thread that no other running range shares (the fused preview pass picks its scratch by it).
#include "stages/cpu/thread_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

namespace kizuna::stages {
namespace {

struct Range {
    int begin, end, thread;
};

std::vector<Range> ranges_of(ThreadPool& pool, int count, int grain,
                             std::atomic<bool>* in_use = nullptr, bool* shared = nullptr) {
    std::mutex m;
    std::vector<Range> ranges;
    pool.parallel_for(
        count,
        [&](int b, int e) {
            const int t = pool.thread_index();
            if (in_use && in_use[t].exchange(true)) *shared = true;
            // Some work, so that the threads overlap.
            volatile double sink = 0.0;
            for (int i = b; i < e; ++i)
                for (int k = 0; k < 2000; ++k) sink = sink + i * 1e-9;
            if (in_use) in_use[t].store(false);
            std::lock_guard lock(m);
            ranges.push_back({b, e, t});
        },
        grain);
    std::sort(ranges.begin(), ranges.end(),
              [](const Range& a, const Range& b) { return a.begin < b.begin; });
    return ranges;
}

TEST(ThreadPool, EveryIndexOnceInRangesOfAtLeastTheGrain) {
    for (int threads : {1, 2, 3, 4}) {
        ThreadPool pool(threads);
        for (int count : {1, 7, 31, 32, 33, 100, 1000, 2160}) {
            for (int grain : {1, 16, 32}) {
                const auto ranges = ranges_of(pool, count, grain);
                ASSERT_FALSE(ranges.empty());
                int next = 0;
                for (const Range& r : ranges) {
                    ASSERT_EQ(r.begin, next) << threads << " threads, count " << count << ", grain "
                                             << grain << ": gap or overlap";
                    ASSERT_GT(r.end, r.begin);
                    if (r.end != count) {
                        EXPECT_GE(r.end - r.begin, grain)
                            << threads << " threads, count " << count << ", grain " << grain;
                    }
                    EXPECT_GE(r.thread, 0);
                    EXPECT_LT(r.thread, pool.size());
                    next = r.end;
                }
                EXPECT_EQ(next, count);
            }
        }
    }
}

TEST(ThreadPool, RangesShrinkSoTheLastOneIsAtMostTheGrain) {
    ThreadPool pool(2);
    const int count = 2160, grain = 32;
    const auto ranges = ranges_of(pool, count, grain);
    // The first range is a quarter of the work (1 / (2 threads) of what is left); the last is no
    // longer than the grain, whatever thread runs slower.
    EXPECT_EQ(ranges.front().end - ranges.front().begin, count / 4);
    EXPECT_LE(ranges.back().end - ranges.back().begin, grain);
    // Few ranges all the same: each costs its edge rows in the fused pass.
    EXPECT_LE(ranges.size(), 20u);
}

TEST(ThreadPool, NoTwoRunningRangesShareAThreadIndex) {
    for (int threads : {2, 4}) {
        ThreadPool pool(threads);
        std::vector<std::atomic<bool>> in_use(static_cast<size_t>(pool.size()));
        bool shared = false;
        for (int round = 0; round < 20; ++round) ranges_of(pool, 500, 1, in_use.data(), &shared);
        EXPECT_FALSE(shared) << threads << " threads";
    }
}

TEST(ThreadPool, ThreadIndexOutsideTheWorkersIsTheCaller) {
    ThreadPool a(2), b(2);
    EXPECT_EQ(a.thread_index(), 0);
    // Two one-item ranges, each waiting for the other to start: the worker must run one.
    std::atomic<int> started{0};
    std::atomic<int> index_in_a[2] = {-1, -1}, index_in_b[2] = {-1, -1};
    a.parallel_for(2, [&](int begin, int) {
        ++started;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (started.load() < 2 && std::chrono::steady_clock::now() < deadline) {
        }
        index_in_a[begin] = a.thread_index();
        index_in_b[begin] = b.thread_index();  // a worker of pool a is a plain caller to b
    });
    ASSERT_EQ(started.load(), 2);
    EXPECT_NE(index_in_a[0].load(), index_in_a[1].load());
    EXPECT_EQ(std::min(index_in_a[0].load(), index_in_a[1].load()), 0);
    EXPECT_EQ(std::max(index_in_a[0].load(), index_in_a[1].load()), 1);
    EXPECT_EQ(index_in_b[0].load(), 0);
    EXPECT_EQ(index_in_b[1].load(), 0);
}

}  // namespace
}  // namespace kizuna::stages
