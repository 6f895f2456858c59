// The hook passes of the mpv user-shader file, one builder per stage. Each follows the rule in
// the stage's header (src/stages/*.hpp) with its parameters baked in as constants; what differs
// from the other backends is stated at the builder. All passes hook MAIN (RGB, after mpv's or
// libplacebo's Y'CbCr conversion) and run as compute shaders at integer texel coordinates.
//
// Textures the passes share (names as bound in the file):
//   KZ_LINES     stage 2's line-art mask at the input size (1 = line art), read by stage 4
//   KZ_DIFF, KZ_CUT, KZ_HISTORY, KZ_BLOCKS, KZ_STATE: stage 5 (temporal.cpp)
#pragma once

#include <vector>

#include "stages/mpv/hook_pass.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages::mpv {

// Stage 1 after the decode: clamp to [0, 1] (NaN -> 0), then the bilateral denoise when
// denoise_strength > 0 and the sRGB -> linear conversion when linear_light (normalize.hpp steps
// 3-4). params are the effective ones (a disabled stage 1 is NormalizeParams{}). Always written:
// the clamp is the first step of the chain.
HookPass normalize_pass(const NormalizeParams& params);

// Stage 2's line-art class (reconstruct.hpp) as a one-component mask saved to KZ_LINES. The
// other classes are not written: only line art is read later (stage 4's darkening), and the x2
// steps compute the gradients they need themselves.
HookPass line_art_pass(const ReconstructParams& params);

// One edge-directed x2 step of stage 3 (upscale.hpp), step = 1, 2, ... It runs when the output
// rectangle is at least twice the picture on both axes (the plan of upscale_steps). Gradients
// come from the picture it hooks (step 1: only when steer is true, i.e. stage 2 is enabled; a
// disabled stage 2 has zero gradients). RGB is clamped to [0, 1] in the step after which no
// other runs (last = true: the last step written). Alpha: bicubic with full anti-ringing per
// step (the reference resamples it once from the input to the final size).
HookPass upscale2x_pass(const UpscaleParams& params, int step, bool steer, bool last);

// Stage 4 (enhance.hpp). line_art: darken pixels KZ_LINES marks. linear_input: the chain runs
// in linear light. encode_srgb: finish with the sRGB OETF after a clamp to [0, 1] (the output
// packing of a linear-light chain, pack.hpp), when this is the last pass.
HookPass enhance_pass(const EnhanceParams& params, bool line_art, bool linear_input,
                      bool encode_srgb);

// Stage 5 (temporal.hpp): its persistent textures and its three passes. Frames larger than
// history_width x history_height pass through unstabilized (the passes' WHEN is false).
std::vector<HookTexture> temporal_textures(int history_width, int history_height);
std::vector<HookPass> temporal_passes(const TemporalParams& params, int history_width,
                                      int history_height, bool encode_srgb);

// The output packing of a linear-light chain when neither stage 4 nor 5 ends it: sRGB OETF
// after a clamp to [0, 1].
HookPass encode_srgb_pass();

}  // namespace kizuna::stages::mpv
