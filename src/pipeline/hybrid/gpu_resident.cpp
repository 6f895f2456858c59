#include "pipeline/hybrid/gpu_resident.hpp"

#include <atomic>

namespace kizuna::pipeline {
namespace {
std::atomic<bool> resident{true};
}

void set_gpu_resident_frames(bool on) noexcept {
    resident.store(on, std::memory_order_relaxed);
}

bool gpu_resident_frames() noexcept {
    return resident.load(std::memory_order_relaxed);
}

}  // namespace kizuna::pipeline
