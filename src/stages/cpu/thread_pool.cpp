#include "stages/cpu/thread_pool.hpp"

#include <system_error>

namespace kizuna::stages {

ThreadPool::ThreadPool(int threads) {
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    workers_.reserve(static_cast<size_t>(threads - 1));
    for (int i = 1; i < threads; ++i) {
        try {
            workers_.emplace_back([this, i] { worker_main(i); });
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
    int begin = job_next_.load(std::memory_order_relaxed);
    while (begin < job_count_) {
        const int size = std::max(job_grain_, (job_count_ - begin) / job_split_);
        const int end = std::min(begin + size, job_count_);
        // On failure begin is reloaded with the current value; retry with what is left then.
        if (job_next_.compare_exchange_weak(begin, end, std::memory_order_relaxed)) {
            job_fn_(job_ctx_, begin, end);
            begin = job_next_.load(std::memory_order_relaxed);
        }
    }
}

namespace {
// The pool whose worker this thread is, and its index there (workers are 1 .. size() - 1).
thread_local const ThreadPool* tl_pool = nullptr;
thread_local int tl_index = 0;
}  // namespace

int ThreadPool::thread_index() const noexcept {
    return tl_pool == this ? tl_index : 0;
}

void ThreadPool::worker_main(int index) {
    tl_pool = this;
    tl_index = index;
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
    {
        // A worker that woke late for the previous job may still be looking at its fields.
        std::unique_lock lock(mutex_);
        done_.wait(lock, [&] { return busy_workers_ == 0; });
        job_fn_ = fn;
        job_ctx_ = ctx;
        job_count_ = count;
        job_grain_ = grain;
        job_split_ = 2 * threads;
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
