// Host <-> device conversions of frames and feature maps for the Vulkan stages: PlanarFrame
// planes (padded rows, fp32) <-> device words (tight planes at the kernels' precision).
#pragma once

#include <cstdint>
#include <vector>

#include "stages/planar.hpp"
#include "stages/vk/kernels.hpp"

namespace kizuna::stages::vk {

// Device words of a frame: R, G, B and A (1 when in has no alpha), fp16 or fp32.
void frame_to_words(const PlanarFrame& in, gpu::StoragePrecision precision,
                    std::vector<uint32_t>& words);
// Inverse of frame_to_words; out gets an alpha plane. Resizes out.
Result<void> words_to_frame(const void* words, int width, int height,
                            gpu::StoragePrecision precision, PlanarFrame& out);
// Device words of a feature map's gx, gy, magnitude planes (luma plane zero) and classes.
void features_to_words(const FeatureMap& in, std::vector<uint32_t>& planes,
                       std::vector<uint32_t>& cls);
// Inverse of features_to_words (from the device layout of GpuFeatures). Resizes out.
Result<void> words_to_features(const void* planes, const void* cls, int width, int height,
                               FeatureMap& out);

}  // namespace kizuna::stages::vk
