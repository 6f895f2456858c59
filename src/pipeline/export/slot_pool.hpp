// A fixed set of reusable buffers handed out and returned: the frame queues of an export. Its
// size bounds how many frames (and so how many bytes) are in flight; acquire() waits while every
// slot is out (back-pressure). Thread safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace kizuna::pipeline {

template <class T>
class SlotPool {
public:
    explicit SlotPool(std::vector<std::unique_ptr<T>> slots) : slots_(std::move(slots)) {
        for (auto& s : slots_) free_.push_back(s.get());
    }
    SlotPool(const SlotPool&) = delete;
    SlotPool& operator=(const SlotPool&) = delete;

    // A free slot, waiting until one is returned; nullptr once closed.
    T* acquire() {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return closed_ || !free_.empty(); });
        if (closed_) return nullptr;
        T* s = free_.back();
        free_.pop_back();
        return s;
    }

    // A free slot if one is free now, else nullptr (also once closed).
    T* try_acquire() {
        std::lock_guard lock(mutex_);
        if (closed_ || free_.empty()) return nullptr;
        T* s = free_.back();
        free_.pop_back();
        return s;
    }

    void release(T* slot) {
        {
            std::lock_guard lock(mutex_);
            free_.push_back(slot);
        }
        cv_.notify_one();
    }

    // Wakes every waiter; acquire() returns nullptr from now on.
    void close() {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        cv_.notify_all();
    }

    size_t size() const noexcept { return slots_.size(); }
    // Every slot, for set-up before the threads start.
    const std::vector<std::unique_ptr<T>>& slots() const noexcept { return slots_; }

private:
    std::vector<std::unique_ptr<T>> slots_;
    std::vector<T*> free_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool closed_ = false;
};

}  // namespace kizuna::pipeline
