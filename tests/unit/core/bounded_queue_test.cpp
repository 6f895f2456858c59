#include "core/bounded_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace kizuna {
namespace {

TEST(BoundedQueue, ConcurrentProducersAndConsumersDeliverEveryItemOnce) {
    constexpr int kProducers = 4, kConsumers = 3, kPerProducer = 5000;
    BoundedQueue<int> q(8);
    std::atomic<int> max_seen_size{0};
    std::vector<std::vector<int>> got(kConsumers);
    std::vector<std::thread> consumers;
    for (int c = 0; c < kConsumers; ++c) {
        consumers.emplace_back([&, c] {
            while (auto v = q.pop()) {
                got[c].push_back(*v);
                int s = static_cast<int>(q.size());
                int prev = max_seen_size.load();
                while (s > prev && !max_seen_size.compare_exchange_weak(prev, s)) {
                }
            }
        });
    }
    std::vector<std::thread> producers;
    for (int p = 0; p < kProducers; ++p) {
        producers.emplace_back([&, p] {
            for (int i = 0; i < kPerProducer; ++i) ASSERT_TRUE(q.push(p * kPerProducer + i));
        });
    }
    for (auto& t : producers) t.join();
    q.close();
    for (auto& t : consumers) t.join();

    std::vector<int> all;
    for (auto& g : got) all.insert(all.end(), g.begin(), g.end());
    std::sort(all.begin(), all.end());
    ASSERT_EQ(all.size(), static_cast<size_t>(kProducers * kPerProducer));
    for (int i = 0; i < kProducers * kPerProducer; ++i) ASSERT_EQ(all[i], i);
    EXPECT_LE(max_seen_size.load(), 8);
    // Items of one producer reach one consumer in the order they were pushed.
    for (auto& g : got) {
        for (int p = 0; p < kProducers; ++p) {
            int last = -1;
            for (int v : g) {
                if (v / kPerProducer != p) continue;
                EXPECT_GT(v, last);
                last = v;
            }
        }
    }
}

TEST(BoundedQueue, PushBlocksWhileFullThatIsBackPressure) {
    BoundedQueue<int> q(2);
    ASSERT_TRUE(q.push(1));
    ASSERT_TRUE(q.push(2));
    std::atomic<bool> pushed{false};
    std::thread producer([&] {
        q.push(3);
        pushed = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(pushed.load()) << "push() returned while the queue was full";
    EXPECT_EQ(q.pop().value(), 1);
    producer.join();
    EXPECT_TRUE(pushed.load());
    EXPECT_EQ(q.pop().value(), 2);
    EXPECT_EQ(q.pop().value(), 3);
}

TEST(BoundedQueue, CloseWakesBlockedProducersAndConsumersAndDrains) {
    BoundedQueue<int> q(1);
    ASSERT_TRUE(q.push(7));
    std::thread blocked_producer([&] { EXPECT_FALSE(q.push(8)); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    q.close();
    blocked_producer.join();
    EXPECT_FALSE(q.push(9));
    EXPECT_EQ(q.pop().value(), 7);  // queued before close: still delivered
    EXPECT_FALSE(q.pop().has_value());

    BoundedQueue<int> empty(4);
    std::thread blocked_consumer([&] { EXPECT_FALSE(empty.pop().has_value()); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    empty.close();
    blocked_consumer.join();
}

}  // namespace
}  // namespace kizuna
