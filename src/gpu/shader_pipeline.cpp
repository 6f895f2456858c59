#include "gpu/shader_pipeline.hpp"

#include "gpu/shader_library.hpp"

namespace kizuna::gpu {

Result<ComputePipeline> make_shader_pipeline(Context& context, const char* name, uint32_t buffers,
                                             uint32_t push_size, uint32_t local, uint32_t max_sets,
                                             StoragePrecision precision) {
    ComputePipelineParams p;
    p.name = name;
    p.spirv = shader_spirv(name, precision);
    p.buffer_count = buffers;
    p.push_constant_size = push_size;
    p.local_x = local;
    p.local_y = local;
    p.max_sets = max_sets;
    return ComputePipeline::create(context, p);
}

}  // namespace kizuna::gpu
