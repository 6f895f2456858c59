// Whether the hybrid chain keeps a frame on the device from stage 1 to packing when its stages
// and its model share one Vulkan device (upscaler.cpp). On by default; the tests turn it off to
// compare the device-resident result with the host path's on the same device. Thread safe (a
// relaxed atomic, read once per frame).
#pragma once

namespace kizuna::pipeline {

void set_gpu_resident_frames(bool on) noexcept;
bool gpu_resident_frames() noexcept;

}  // namespace kizuna::pipeline
