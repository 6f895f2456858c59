// Shared declarations of the KizunaSR compute shaders.
//
// Storage precision: planes are arrays of KZ_STORE, which is float16_t when the file is compiled
// with -DKZ_FP16 (needs storageBuffer16BitAccess) and float otherwise. Arithmetic is always
// fp32: load with float(x), store with KZ_STORE(x).
//
// Workgroup size comes from specialization constants 0 and 1 (see src/gpu/compute_pipeline.hpp).
#ifndef KZ_COMMON_GLSL
#define KZ_COMMON_GLSL

#ifdef KZ_FP16
#extension GL_EXT_shader_16bit_storage : require
#define KZ_STORE float16_t
#else
#define KZ_STORE float
#endif

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z = 1) in;

#endif
