#version 450
// The convolution of nn_conv.comp with one pixel per invocation (256-pixel workgroups), for
// small outputs where nn_conv.comp's 2048-pixel workgroups would mostly idle.
#define KZ_CONV_PX 1
#define KZ_CONV_TN 16
#include "nn_conv_body.glsl"
