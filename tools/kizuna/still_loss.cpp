#include "still_loss.hpp"

#include <fmt/format.h>

namespace kizuna::cli {

namespace {

std::string extension_of(const std::filesystem::path& p) {
    const std::string ext = p.extension().string();
    return ext.empty() ? "this format" : ext;
}

}  // namespace

Result<void> check_requested_depth(const JobLimits& limits, const std::filesystem::path& output,
                                   const ImageFormatCapabilities& caps, ImageWriteOptions& write,
                                   const std::string& depth_setting) {
    if (write.bit_depth <= caps.max_bit_depth) return {};
    const int asked = write.bit_depth;
    write.bit_depth = caps.max_bit_depth;
    return report_loss(limits,
                       fmt::format("{}: {} asks for {} bits per channel but {} holds {}; "
                                   "writing {} (use .png or .tif for 16)",
                                   output.string(), depth_setting, asked, extension_of(output),
                                   caps.max_bit_depth, caps.max_bit_depth));
}

Result<void> check_still_losses(const JobLimits& limits, const std::filesystem::path& input,
                                const ImageReadInfo& info, ConstImageView image,
                                const std::filesystem::path& output,
                                const ImageFormatCapabilities& caps, bool job_keeps_alpha,
                                const ImageWriteOptions& write, const std::string& deeper_hint) {
    if (info.more_frames) {
        const std::string count = info.frame_count > 1 ? fmt::format("{} frames", info.frame_count)
                                                       : std::string("more than one frame");
        KZ_TRY(report_loss(limits, fmt::format("{}: holds {} (an animation or a video); only the "
                                               "first is used",
                                               input.string(), count)));
    }
    if (info.header.alpha && has_transparency(image)) {
        if (!job_keeps_alpha) {
            KZ_TRY(report_loss(limits, fmt::format("{}: its transparency is lost: this command "
                                                   "upscales the colour channels only and writes "
                                                   "an opaque image",
                                                   input.string())));
        } else if (!caps.alpha) {
            KZ_TRY(report_loss(limits, fmt::format("{}: its transparency is lost: {} has no alpha "
                                                   "channel (write .png, .tif or .webp to keep it)",
                                                   input.string(), extension_of(output))));
        }
    }
    if (info.header.bits_per_channel > write.bit_depth) {
        std::string msg =
            fmt::format("{}: has {} bits per channel; {} gets {}", input.string(),
                        info.header.bits_per_channel, output.string(), write.bit_depth);
        if (!deeper_hint.empty()) msg += fmt::format(" ({})", deeper_hint);
        KZ_TRY(report_loss(limits, msg));
    }
    return {};
}

}  // namespace kizuna::cli
