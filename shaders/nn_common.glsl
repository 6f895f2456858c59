// Shared declarations of the NN shaders (nn_*.comp, run by src/nn/vulkan).
//
// Every NN shader binds the same two storage buffers: binding 0 is the activation arena of the
// backend's buffer plan (all blobs of one tile, planes packed C x H x W) and binding 1 the
// model's packed weights (read-only). Both hold KZ_STORE values (common.glsl): fp32, or fp16 in
// the f16 variant (-DKZ_FP16, the backend's fp16 precision). Push constants carry element
// offsets into them, so one descriptor set per pipeline serves every layer. Arithmetic is fp32
// in both variants: load with float(x), store with KZ_STORE(x).
#ifndef KZ_NN_COMMON_GLSL
#define KZ_NN_COMMON_GLSL

layout(std430, binding = 0) buffer Arena { KZ_STORE arena[]; };
layout(std430, binding = 1) readonly buffer Weights { KZ_STORE wts[]; };

// ActivationType of src/nn/graph/layer.hpp (ncnn activation_type numbers).
const int KZ_ACT_NONE = 0;
const int KZ_ACT_RELU = 1;
const int KZ_ACT_LEAKY = 2;
const int KZ_ACT_CLIP = 3;
const int KZ_ACT_SIGMOID = 4;
const int KZ_ACT_MISH = 5;
const int KZ_ACT_HARD_SWISH = 6;

// The reference's activate() on one value (ref/ref_conv.cpp).
float kz_activate(float x, int type, float alpha, float beta) {
    if (type == KZ_ACT_RELU || type == KZ_ACT_LEAKY) return x > 0.0 ? x : x * alpha;
    if (type == KZ_ACT_CLIP) return min(max(x, alpha), beta);
    if (type == KZ_ACT_SIGMOID) return 1.0 / (1.0 + exp(-x));
    if (type == KZ_ACT_MISH) {
        // softplus = log(1 + e^x) is x itself (in fp32) above 20; keeps exp from overflowing.
        const float sp = x > 20.0 ? x : log(1.0 + exp(x));
        const float e = exp(-2.0 * sp);
        return x * (1.0 - e) / (1.0 + e);
    }
    if (type == KZ_ACT_HARD_SWISH) return x * min(max(x * alpha + beta, 0.0), 1.0);
    return x;
}

#endif
