// Whether the hybrid chain keeps a frame on the device from stage 1 to packing when its stages
// and its model share one Vulkan device (upscaler.cpp). On by default; KIZUNA_GPU_RESIDENT=0 in
// the environment (read at the first frame) turns it off, for measuring the two paths against
// each other, and the tests turn it off to compare the results on the same device. Thread safe
// (a relaxed atomic, read once per frame).
#pragma once

namespace kizuna::pipeline {

void set_gpu_resident_frames(bool on) noexcept;
bool gpu_resident_frames() noexcept;

}  // namespace kizuna::pipeline
