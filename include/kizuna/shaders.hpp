// Exporting the real-time preview as mpv user shaders: one GLSL file of //!HOOK passes that runs
// the profile's stages inside mpv (--glsl-shaders) or FFmpeg's libplacebo filter
// (custom_shader_path), on the viewer's GPU, with the profile's parameters baked in.
//
// Usage:
//   auto text = kizuna::mpv_user_shaders(profile);           // the file as text
//   kizuna::write_mpv_user_shaders("kizuna.glsl", profile);   // or written to disk
//   $ mpv --vo=gpu-next --glsl-shaders=kizuna.glsl video.mkv
//
// What the file does (its header comment says the same for the profile it was made from):
//  - Every pass hooks MAIN, the picture after the player's own conversion to RGB, so stage 1's
//    Y'CbCr decode is the player's; the rest of stage 1 (clamp, denoise, linear light), stage 2's
//    line-art classes, stage 3's edge-directed x2 steps, stage 4 and stage 5 are in the file.
//  - Each x2 step runs only while the output rectangle is at least twice the picture on both
//    axes; the player's scaler does the remaining factor, after stages 4 and 5 (the preview
//    resamples before them).
//  - Stage 5 keeps its history in storage textures, which only libplacebo renderers provide
//    (mpv --vo=gpu-next, FFmpeg's libplacebo filter); mpv --vo=gpu rejects a file with
//    temporal stabilization on and runs one without it.
// All functions are thread safe and never throw.
#pragma once

#include <filesystem>
#include <string>

#include "kizuna/error.hpp"
#include "kizuna/profile.hpp"

namespace kizuna {

struct MpvShaderOptions {
    // Edge-directed x2 steps written, [1, 8]; 0 = enough for the profile's output.scale
    // (floor(log2(scale)), at least 1). More steps only cost when the output is large enough
    // for them to run.
    int doublings = 0;
    // Size of stage 5's history texture, each [16, 16384]. Frames larger than this (after the
    // x2 steps) are shown unstabilized. The texture takes width x height x 8 bytes of GPU memory
    // (66 MB at 3840x2160) when the profile has temporal stabilization on.
    int history_width = 3840;
    int history_height = 2160;
};

// The user-shader file for a profile. Errors (invalid_argument): the profile fails
// validate_profile, or an option is out of range (the message names the option).
Result<std::string> mpv_user_shaders(const Profile& profile, const MpvShaderOptions& opts = {});

// The same written to `path` atomically (a temporary file in the same folder renamed over it;
// on failure an existing file is left untouched). Errors: those of mpv_user_shaders, not_found
// (folder does not exist), io_error (not writable, disk full, `path` is a directory).
Result<void> write_mpv_user_shaders(const std::filesystem::path& path, const Profile& profile,
                                    const MpvShaderOptions& opts = {});

}  // namespace kizuna
