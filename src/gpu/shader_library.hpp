// The SPIR-V of the shaders in shaders/, embedded at build time. Each shader exists in two
// variants compiled from one source: fp32 storage and fp16 storage (arithmetic is fp32 in both).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace kizuna::gpu {

enum class StoragePrecision { f32, f16 };

// SPIR-V words of shader name (the file name without .comp), or an empty span when there is
// no such shader. The storage lives for the whole program.
std::span<const uint32_t> shader_spirv(std::string_view name, StoragePrecision precision) noexcept;

}  // namespace kizuna::gpu
