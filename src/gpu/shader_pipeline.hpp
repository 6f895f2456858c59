// The common case of a compute pipeline: an embedded shader of shaders/ with fp32 storage and a
// square workgroup.
#pragma once

#include <cstdint>

#include "gpu/compute_pipeline.hpp"

namespace kizuna::gpu {

// The pipeline of shader `name` (the file name without .comp; fp32 variant), binding `buffers`
// storage buffers, with push constants of push_size bytes, a local x local workgroup and up to
// max_sets descriptor sets. Errors: those of ComputePipeline::create (an unknown name among them).
Result<ComputePipeline> make_shader_pipeline(Context& context, const char* name, uint32_t buffers,
                                             uint32_t push_size, uint32_t local, uint32_t max_sets);

}  // namespace kizuna::gpu
