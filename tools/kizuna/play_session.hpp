// `kizuna play`: the player's main loop (window events and keys, the clock, presenting frames,
// the AI on a paused frame), once cmd_play.cpp has checked the options.
#pragma once

#include <filesystem>
#include <optional>

#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/upscaler.hpp"

namespace kizuna::cli {

// How frames reach the window (--display).
enum class DisplayMode {
    auto_select,  // the Vulkan swapchain when the stages run on Vulkan on a real GPU, else texture
    vulkan,       // the Vulkan swapchain on any device, lavapipe included (the stages on Vulkan)
    texture,      // every frame back to the CPU, shown through an SDL streaming texture
};

struct PlaySettings {
    std::filesystem::path input;
    Profile profile;                   // the stages (and the AI that `a` runs)
    PreviewOptions preview;            // backend, threads, output size
    bool require_ai = false;           // `a`: a fallback away from the model is an error
    std::optional<double> compare_at;  // open paused on the picture shown at this time
    std::filesystem::path save_dir;    // where `s` writes
    bool no_audio = false;
    DisplayMode display = DisplayMode::auto_select;
};

// Plays the file; returns the exit code (0, or 1 after a one-line error).
int run_player(const PlaySettings& s);

}  // namespace kizuna::cli
