#include "nn/thread_pool.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

namespace kizuna::nn {

Result<ThreadPool> ThreadPool::create(int threads) {
    if (threads < 1 || threads > 1024) {
        return make_error(Errc::invalid_argument,
                          fmt::format("thread count {} is outside [1, 1024]", threads));
    }
    ThreadPool pool;
    pool.threads_ = threads;
    if (threads > 1) {
        pool.pool_.reset(pthreadpool_create(static_cast<size_t>(threads)));
        if (!pool.pool_) {
            return make_error(Errc::out_of_memory,
                              fmt::format("pthreadpool_create({}) failed", threads));
        }
    }
    return pool;
}

int resolve_thread_count(int threads) noexcept {
    if (threads > 0) return threads;
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace kizuna::nn
