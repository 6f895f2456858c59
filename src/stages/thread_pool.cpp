#include "stages/thread_pool.hpp"

#include <system_error>

namespace kizuna::stages {

ThreadPool::ThreadPool(int threads) {
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    workers_.reserve(static_cast<size_t>(threads - 1));
    for (int i = 1; i < threads; ++i) {
        try {
            workers_.emplace_back([this] { worker_main(); });
        } catch (const std::system_error&) {
            break;  // keep the threads we got
        }
    }
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
}

void ThreadPool::work_on_current_job() {
    for (;;) {
        const int begin = job_next_.fetch_add(job_chunk_, std::memory_order_relaxed);
        if (begin >= job_count_) return;
        job_fn_(job_ctx_, begin, std::min(begin + job_chunk_, job_count_));
    }
}

void ThreadPool::worker_main() {
    uint64_t seen = 0;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
            if (stop_) return;
            seen = generation_;
            ++busy_workers_;
        }
        work_on_current_job();
        {
            std::lock_guard lock(mutex_);
            --busy_workers_;
        }
        done_.notify_all();
    }
}

void ThreadPool::run(int count, int grain, Trampoline fn, void* ctx) {
    const int threads = size();
    if (threads == 1 || count <= grain) {
        fn(ctx, 0, count);
        return;
    }
    // About four chunks per thread balances load without much contention.
    const int chunk = std::max(grain, (count + threads * 4 - 1) / (threads * 4));
    {
        // A worker that woke late for the previous job may still be looking at its fields.
        std::unique_lock lock(mutex_);
        done_.wait(lock, [&] { return busy_workers_ == 0; });
        job_fn_ = fn;
        job_ctx_ = ctx;
        job_count_ = count;
        job_chunk_ = chunk;
        job_next_.store(0, std::memory_order_relaxed);
        ++generation_;
    }
    wake_.notify_all();
    work_on_current_job();
    // Every chunk has been claimed; wait for workers still running one. A worker that wakes
    // late finds no chunk left and leaves at once.
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return busy_workers_ == 0; });
}

}  // namespace kizuna::stages
