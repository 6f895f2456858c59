// parallel_for for the reference kernels: static contiguous chunks, one std::thread each.
#pragma once

#include <algorithm>
#include <thread>
#include <vector>

namespace kizuna::nn::ref {

template <class F>
void parallel_for(int n, int threads, const F& f) {
    const int t = std::max(1, std::min(threads, n));
    if (t == 1) {
        for (int i = 0; i < n; ++i) f(i);
        return;
    }
    std::vector<std::thread> pool;
    pool.reserve(t - 1);
    auto run_chunk = [&](int k) {
        const int begin = static_cast<int>(static_cast<long long>(n) * k / t);
        const int end = static_cast<int>(static_cast<long long>(n) * (k + 1) / t);
        for (int i = begin; i < end; ++i) f(i);
    };
    for (int k = 1; k < t; ++k) pool.emplace_back(run_chunk, k);
    run_chunk(0);
    for (std::thread& th : pool) th.join();
}

}  // namespace kizuna::nn::ref
