// Processed frames, which workers finish in any order, handed to the encoder in presentation
// order (by frame index). Bounded by the pool its items come from. Thread safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>

namespace kizuna::pipeline {

template <class T>
class ReorderBuffer {
public:
    // producers: how many threads put() and finally call producer_done().
    explicit ReorderBuffer(int producers) : producers_(producers) {}
    ReorderBuffer(const ReorderBuffer&) = delete;
    ReorderBuffer& operator=(const ReorderBuffer&) = delete;

    void put(int64_t index, T* item) {
        {
            std::lock_guard lock(mutex_);
            items_[index] = item;
        }
        cv_.notify_all();
    }

    // A producer will put nothing more.
    void producer_done() {
        {
            std::lock_guard lock(mutex_);
            --producers_;
        }
        cv_.notify_all();
    }

    // Waits for item `index`. nullptr when it cannot come any more: every producer is done
    // without putting it, or the buffer was closed.
    T* take(int64_t index) {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return closed_ || items_.count(index) || producers_ <= 0; });
        auto it = items_.find(index);
        if (closed_ || it == items_.end()) return nullptr;
        T* item = it->second;
        items_.erase(it);
        return item;
    }

    void close() {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        cv_.notify_all();
    }

    // Items still held (after the encoder stopped), to return them to their pool.
    template <class Fn>
    void drain(Fn&& fn) {
        std::lock_guard lock(mutex_);
        for (auto& [i, item] : items_) fn(item);
        items_.clear();
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    std::map<int64_t, T*> items_;
    int producers_;
    bool closed_ = false;
};

}  // namespace kizuna::pipeline
