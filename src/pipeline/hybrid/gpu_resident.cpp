#include "pipeline/hybrid/gpu_resident.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace kizuna::pipeline {
namespace {

// -1: not decided yet (the environment decides at the first read); else 0 or 1.
std::atomic<int> resident{-1};

}  // namespace

void set_gpu_resident_frames(bool on) noexcept {
    resident.store(on ? 1 : 0, std::memory_order_relaxed);
}

bool gpu_resident_frames() noexcept {
    int v = resident.load(std::memory_order_relaxed);
    if (v < 0) {
        const char* env = std::getenv("KIZUNA_GPU_RESIDENT");
        v = env != nullptr && std::strcmp(env, "0") == 0 ? 0 : 1;
        int expected = -1;
        if (!resident.compare_exchange_strong(expected, v, std::memory_order_relaxed)) v = expected;
    }
    return v == 1;
}

}  // namespace kizuna::pipeline
