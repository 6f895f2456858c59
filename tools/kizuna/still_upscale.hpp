// `kizuna upscale` on one still image (or one video frame picked with --at): the hybrid chain
// of kizuna::Upscaler. A batch reuses one StillUpscaler, so the model loads once.
#pragma once

#include <optional>
#include <string>

#include "kizuna/error.hpp"
#include "kizuna/memory_budget.hpp"
#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/upscaler.hpp"
#include "upscale_args.hpp"

namespace kizuna::cli {

class StillUpscaler {
public:
    // Parses and checks the options, the profile and the budget; loads nothing yet.
    static Result<StillUpscaler> create(const UpscaleArgs& args);

    // Upscales `input` (a still, or with `video_frame` the frame of a video at --at) into
    // `output`. Everything that can be checked before pixels are read is checked first; the
    // output is written atomically. Ctrl-C, SIGTERM or SIGHUP while the picture is processed
    // stop it between AI tiles (Errc::cancelled; signal() names it); during the write, the
    // process's default handlers remove the temporary file and exit.
    Result<void> run(const std::string& input, const std::string& output, bool video_frame);

    // The signal that cancelled the last run(), 0 when none did.
    int signal() const noexcept { return signal_; }

    const Profile& profile() const noexcept { return profile_; }

private:
    StillUpscaler(const UpscaleArgs& args, Profile profile, PreviewOptions options,
                  MemoryBudget budget)
        : args_(&args), profile_(std::move(profile)), options_(options), budget_(budget) {}
    Result<Upscaler*> upscaler();

    const UpscaleArgs* args_;
    Profile profile_;
    PreviewOptions options_;
    MemoryBudget budget_;
    std::optional<Upscaler> upscaler_;  // created on the first image
    int signal_ = 0;
};

}  // namespace kizuna::cli
