#version 450
// The convolution of nn_conv.comp with 8 pixels x 32 channels per invocation (2048 x 32 per
// workgroup), for large outputs of at most 32 channels (the dense blocks of Real-ESRGAN x4plus),
// where nn_conv.comp's 64-channel blocks would compute half padding.
#define KZ_CONV_PX 8
#define KZ_CONV_TN 32
#include "nn_conv_body.glsl"
