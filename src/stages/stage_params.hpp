// Parameters of the five stages, as the kernels see them. They mirror the profile's stage
// settings (docs/profiles.md); the pipeline copies one into the other. Ranges are checked by
// profile validation before they get here: kernels trust them.
#pragma once

#include "kizuna/image.hpp"

namespace kizuna::stages {

struct NormalizeParams {
    float denoise_strength = 0.0f;  // [0, 1]; 0 = no denoise
    int denoise_radius = 2;         // [1, 4] pixels
    bool linear_light = false;      // convert the transfer to linear light
};

struct ReconstructParams {
    float edge_threshold = 0.06f;  // [0, 1] gradient magnitude above which a pixel is an edge
    float line_threshold = 0.04f;  // [0, 1] darkness below the neighbourhood mean for line art
};

struct UpscaleParams {
    float anti_ringing = 1.0f;    // [0, 1] 1 = clamp fully to the local min/max
    float edge_sharpness = 1.0f;  // [0, 2] how strongly interpolation follows edges
    int out_width = 0;            // target size; both > 0
    int out_height = 0;
};

struct EnhanceParams {
    float contrast = 0.0f;     // [0, 1]; 0 = identity
    float line_darken = 0.0f;  // [0, 1]; 0 = identity
    float saturation = 1.0f;   // [0, 2]; 1 = identity
    float sharpen = 0.0f;      // [0, 2]; 0 = identity
};

struct TemporalParams {
    float strength = 0.6f;              // [0, 1] max weight of history in still areas
    float motion_threshold = 0.03f;     // [0.001, 1] local difference where blending stops
    float scene_cut_threshold = 0.25f;  // [0, 1] mean abs luma difference that resets history
};

// The whole preview chain. A disabled stage is skipped (normalize then only converts the
// format; reconstruct then classifies nothing as edge or line art; upscale then falls back to
// the plain resampler; enhance and temporal pass through).
struct PreviewParams {
    bool normalize_enabled = true;
    bool reconstruct_enabled = true;
    bool upscale_enabled = true;
    bool enhance_enabled = true;
    bool temporal_enabled = false;
    NormalizeParams normalize;
    ReconstructParams reconstruct;
    UpscaleParams upscale;
    EnhanceParams enhance;
    TemporalParams temporal;
};

}  // namespace kizuna::stages
