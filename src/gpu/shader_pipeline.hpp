// The common case of a compute pipeline: an embedded shader of shaders/ with a square workgroup.
#pragma once

#include <cstdint>

#include "gpu/compute_pipeline.hpp"
#include "gpu/shader_library.hpp"

namespace kizuna::gpu {

// The pipeline of shader `name` (the file name without .comp) in the variant `precision` (f16
// needs a context with fp16_enabled()), binding `buffers` storage buffers, with push constants of
// push_size bytes, a local x local workgroup and up to max_sets descriptor sets. Errors: those of
// ComputePipeline::create (an unknown name among them).
Result<ComputePipeline> make_shader_pipeline(Context& context, const char* name, uint32_t buffers,
                                             uint32_t push_size, uint32_t local, uint32_t max_sets,
                                             StoragePrecision precision = StoragePrecision::f32);

}  // namespace kizuna::gpu
