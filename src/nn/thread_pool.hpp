// The worker threads of the NN backends: a move-only pthreadpool owner and parallel_for on it.
// Shared by the reference backend, the XNNPACK backend and the direct convolution, so a session
// runs every layer of a graph on one set of threads, created once.
#pragma once

#include <pthreadpool.h>

#include <cstddef>
#include <memory>

#include "kizuna/error.hpp"

namespace kizuna::nn {

// threads <= 1 means "no pool": get() returns nullptr and every parallel call runs on the
// calling thread. Running work on one pool from two threads at the same time is not allowed
// (pthreadpool serialises, but the callers' buffers are not shared).
class ThreadPool {
public:
    // threads: 1..1024 (invalid_argument otherwise); out_of_memory when threads cannot start.
    static Result<ThreadPool> create(int threads);

    ThreadPool() = default;
    ThreadPool(ThreadPool&&) noexcept = default;
    ThreadPool& operator=(ThreadPool&&) noexcept = default;

    pthreadpool_t get() const noexcept { return pool_.get(); }
    int threads() const noexcept { return threads_; }

private:
    struct Destroy {
        void operator()(pthreadpool_t p) const noexcept { pthreadpool_destroy(p); }
    };
    std::unique_ptr<pthreadpool, Destroy> pool_;
    int threads_ = 1;
};

// threads <= 0: all hardware threads (at least 1); other values unchanged.
int resolve_thread_count(int threads) noexcept;

// Runs fn(i) for i in [0, n) on `pool` (nullptr = the calling thread), each i once, on one
// thread. Does not allocate. fn must not throw.
template <class Fn>
void parallel_for(pthreadpool_t pool, size_t n, Fn&& fn) {
    if (pool == nullptr || n <= 1) {
        for (size_t i = 0; i < n; ++i) fn(i);
        return;
    }
    auto trampoline = [](void* ctx, size_t i) {
        (*static_cast<std::remove_reference_t<Fn>*>(ctx))(i);
    };
    pthreadpool_parallelize_1d(pool, trampoline, &fn, n, PTHREADPOOL_FLAG_YIELD_WORKERS);
}

}  // namespace kizuna::nn
