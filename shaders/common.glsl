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

// v rounded to the nearest fp16 value, ties to even (finite |v| < 65520), in float arithmetic:
// the drivers' fp32 -> fp16 conversions (packHalf2x16, float16_t()) need not round that way
// (lavapipe rounds ties away from zero). m = 2^(e + 13) for |v| in [2^e, 2^(e + 1)), at least
// 2^-1, makes (|v| + m) - m round |v| to 11 significant bits (to 2^-24 in the fp16 subnormal
// range); precise keeps the compiler from folding it.
float kz_round_fp16(float v) {
    const int expo = floatBitsToInt(v) & 0x7f800000;
    const float m = intBitsToFloat(max(expo + (13 << 23), 0x3f000000));
    precise float r = abs(v) + m;
    r = r - m;
    return v < 0.0 ? -r : r;
}
