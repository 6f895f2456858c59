#version 450
// The convolution of nn_conv.comp with one pixel x 16 channels per invocation (256 x 16 per
// workgroup), for small outputs where nn_conv.comp's 2048 x 64 blocks would mostly idle.
#define KZ_CONV_PX 1
#define KZ_CONV_TN 16
#include "nn_conv_body.glsl"
