// Stage 5 on Vulkan (temporal.hpp). Two-phase use as described in vk/stages.hpp.
#pragma once

#include "stages/stage_params.hpp"
#include "stages/vk/kernels.hpp"

namespace kizuna::stages::vk {

// Stage 5 with its history on the device (two frames, the output of a frame becomes the
// history of the next). The scene-cut decision is made on the device: no CPU wait.
struct VkTemporal {
    GpuFrame history[2];
    int current = 0;     // history[current] is H; the output goes to history[1 - current]
    bool valid = false;  // history[current] holds the previous output
    gpu::Buffer diff, partial, state;
    // A size change forgets the history.
    Result<void> prepare(VkKernels& k, int width, int height);
    Result<void> record(VkKernels& k, gpu::CommandBuffer& cmd, const GpuFrame& in,
                        const TemporalParams& p);
    // After the recorded work was submitted and completed: the output becomes the history.
    void commit() noexcept {
        current = 1 - current;
        valid = true;
    }
    void reset() noexcept { valid = false; }
    const GpuFrame& output() const noexcept { return history[1 - current]; }
};

}  // namespace kizuna::stages::vk
