// Shared declarations of the KizunaSR compute shaders.
//
// Storage precision: planes are arrays of KZ_STORE, which is float16_t when the file is compiled
// with -DKZ_FP16 (needs storageBuffer16BitAccess) and float otherwise. Arithmetic is always
// fp32: load with float(x), store with KZ_STORE(x).
//
// Workgroup size comes from specialization constants 0 and 1 (see src/gpu/compute_pipeline.hpp);
// further constants (ids 2, ...) carry formats, tap and plane counts. Frame sizes and stage
// parameters are push constants (a size change recompiles nothing).
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

// Frames are 4 tight planes (R, G, B, A) of width x height values, plane p starting at element
// p * width * height. Feature maps are fp32 planes gx, gy, magnitude, luma (same layout) plus a
// uint class plane.

// Clamp to [0, 1] with NaN -> 0 (comparisons with NaN are false).
float kz_clamp01(float v) { return v > 0.0 ? (v < 1.0 ? v : 1.0) : 0.0; }

float kz_luma(vec3 c) { return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b; }

// sRGB transfer (inputs in [0, 1]).
float kz_srgb_to_linear(float c) {
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}
float kz_linear_to_srgb(float l) {
    return l <= 0.0031308 ? l * 12.92 : 1.055 * pow(l, 1.0 / 2.4) - 0.055;
}

ivec2 kz_clamp_xy(ivec2 p, int w, int h) { return clamp(p, ivec2(0), ivec2(w - 1, h - 1)); }
