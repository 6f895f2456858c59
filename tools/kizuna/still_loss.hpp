// Data a still-image command would drop without saying so: frames after the first, transparency,
// bits per channel. Each becomes a notice, or an error under --strict (job_limits.hpp), before
// any processing.
#pragma once

#include <filesystem>
#include <string>

#include "job_limits.hpp"
#include "kizuna/media.hpp"

namespace kizuna::cli {

// Before reading: a bit depth asked for (write.bit_depth) that the output format cannot hold is
// lowered to the format's, with a notice naming `depth_setting` (what set it).
Result<void> check_requested_depth(const JobLimits& limits, const std::filesystem::path& output,
                                   const ImageFormatCapabilities& caps, ImageWriteOptions& write,
                                   const std::string& depth_setting);

// After reading `image` from `input`: more frames than the one used; transparency that the
// output format (caps.alpha) or the job (`job_keeps_alpha` false) drops; more bits per channel in
// the input than write.bit_depth keeps (`deeper_hint` says how to keep them, may be empty).
Result<void> check_still_losses(const JobLimits& limits, const std::filesystem::path& input,
                                const ImageReadInfo& info, ConstImageView image,
                                const std::filesystem::path& output,
                                const ImageFormatCapabilities& caps, bool job_keeps_alpha,
                                const ImageWriteOptions& write, const std::string& deeper_hint);

}  // namespace kizuna::cli
