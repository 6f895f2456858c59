// A small persistent worker pool for row-parallel loops. The calling thread works too, so a
// pool of size 1 runs everything inline and starts no thread.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace kizuna::stages {

class ThreadPool {
public:
    // threads: total threads including the caller; 0 = std::thread::hardware_concurrency().
    // Never fails: if the system refuses a thread, the pool keeps the ones it got.
    explicit ThreadPool(int threads = 0);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    // Number of threads that run work (workers + the caller), >= 1.
    int size() const noexcept { return static_cast<int>(workers_.size()) + 1; }

    // Calls fn(begin, end) on disjoint ranges covering [0, count), in parallel, and returns when
    // all calls are done. Ranges hold at least `grain` items (except the last). They are handed
    // out in order and shrink as the work runs out (guided scheduling): each is 1 / (2 size())
    // of what is left, so a thread that runs slower, or draws costlier rows, leaves the others
    // at most a small range to wait for at the end. fn must not
    // throw and must not call parallel_for on the same pool. Allocates nothing. One call at a
    // time per pool (callers must serialise; the preview chain runs one frame at a time).
    template <class Fn>
    void parallel_for(int count, Fn&& fn, int grain = 1) {
        if (count <= 0) return;
        auto trampoline = [](void* ctx, int begin, int end) {
            (*static_cast<std::remove_reference_t<Fn>*>(ctx))(begin, end);
        };
        run(count, std::max(grain, 1), trampoline,
            const_cast<void*>(static_cast<const void*>(&fn)));
    }

    // Inside fn: which of the pool's threads runs this range, in [0, size()) (0: the calling
    // thread). Lets fn use per-thread scratch that was allocated before the call.
    int thread_index() const noexcept;

private:
    using Trampoline = void (*)(void*, int, int);
    void run(int count, int grain, Trampoline fn, void* ctx);
    void work_on_current_job();
    void worker_main(int index);

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_;
    uint64_t generation_ = 0;  // guarded by mutex_; bumped per job
    int busy_workers_ = 0;     // guarded by mutex_
    bool stop_ = false;        // guarded by mutex_

    // The current job; written before generation_ is bumped, read by workers after they see it.
    Trampoline job_fn_ = nullptr;
    void* job_ctx_ = nullptr;
    int job_count_ = 0;
    int job_grain_ = 1;
    int job_split_ = 2;  // a range is 1 / job_split_ of the items left (at least job_grain_)
    std::atomic<int> job_next_{0};
};

}  // namespace kizuna::stages
