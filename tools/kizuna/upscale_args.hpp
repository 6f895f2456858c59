// The options of `kizuna upscale`, shared by its still-image and video paths.
#pragma once

#include <string>
#include <vector>

#include "ai_flags.hpp"
#include "job_limits.hpp"
#include "kizuna/error.hpp"
#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"
#include "options.hpp"

namespace kizuna::cli {

struct UpscaleArgs {
    std::vector<std::string> inputs;  // as given: files and folders
    std::string input;                // the one input being worked on
    std::string output;
    std::string profile = "balanced";
    NumberOption scale;
    NumberOption size;
    std::string backend = "auto";
    NumberOption threads;
    std::vector<std::string> overrides;
    JobLimits limits;
    AiFlags ai;
    // A video input with a single image output: the time of the frame.
    std::string at;
    CLI::Option* at_option = nullptr;
    // Video export.
    std::string bitrate;
    std::vector<std::string> encoder_options;
    std::string audio_codec;
    std::string audio_bitrate;
    NumberOption queue_frames;
    NumberOption parallel_frames;
    NumberOption ai_frame_limit;
    std::string progress = "line";
    std::string progress_file;
    std::string on_interrupt = "keep";
    bool no_verify = false;
};

// Declares the options of the chain that upscale, compare and play share: -p/--profile,
// -s/--scale, --size, -b/--backend, -j/--threads and --set (its help text `set_help`).
void add_chain_options(CLI::App* cmd, UpscaleArgs& a, const std::string& set_help);

// The profile (built-in or file) with the --set overrides, then the AI flags, applied.
Result<Profile> upscale_profile(const UpscaleArgs& a);
// The shader path's options, every number checked.
Result<PreviewOptions> upscale_preview_options(const UpscaleArgs& a);

// `kizuna upscale VIDEO -o VIDEO|PATTERN`; returns the exit code (0, 1, or 128 + the signal
// that stopped it).
int run_video_export(const UpscaleArgs& a);

int fail(const Error& e);

}  // namespace kizuna::cli
