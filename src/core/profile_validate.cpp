// Profile validation: every field against its range, then the rules that tie fields together.
#include <string>

#include <fmt/format.h>

#include "core/profile_schema.hpp"
#include "kizuna/profile.hpp"

namespace kizuna {
namespace {

constexpr std::string_view kX26xPresets[] = {"ultrafast", "superfast", "veryfast", "faster",
                                             "fast",      "medium",    "slow",     "slower",
                                             "veryslow",  "placebo"};
constexpr std::string_view kSvtAv1PixelFormats[] = {"yuv420p", "yuv420p10le"};
constexpr int kX26xMaxCrf = 51;

Error invalid(std::string message) {
    return make_error(Errc::invalid_argument, std::move(message));
}

bool contains(std::span<const std::string_view> list, std::string_view item) {
    for (std::string_view s : list)
        if (s == item) return true;
    return false;
}

Result<void> check_output_size(const OutputSettings& out) {
    if (out.width != 0 && out.height == 0)
        return invalid(fmt::format(
            "output.width: {} is set but output.height is 0 (set both, or both to 0 to use "
            "output.scale)",
            out.width));
    if (out.height != 0 && out.width == 0)
        return invalid(fmt::format(
            "output.height: {} is set but output.width is 0 (set both, or both to 0 to use "
            "output.scale)",
            out.height));
    return {};
}

Result<void> check_tiles(const AiSettings& ai) {
    if (ai.tile_size != 0 && ai.tile_overlap >= 0 && 2 * ai.tile_overlap >= ai.tile_size)
        return invalid(fmt::format(
            "ai.tile_overlap: {} is too large for ai.tile_size {} (2 x overlap must be less than "
            "the tile size)",
            ai.tile_overlap, ai.tile_size));
    return {};
}

Result<void> check_encoder(const OutputSettings& out) {
    const bool x26x = out.video_codec == "libx264" || out.video_codec == "libx265";
    if (x26x && out.crf > kX26xMaxCrf)
        return invalid(fmt::format("output.crf: {} is outside [0, {}] for {}", out.crf, kX26xMaxCrf,
                                   out.video_codec));
    if (x26x && !contains(kX26xPresets, out.preset)) {
        std::string message =
            fmt::format("output.preset: \"{}\" is not a {} preset (allowed: {})", out.preset,
                        out.video_codec, profile_detail::join_list(kX26xPresets));
        const std::string_view near = profile_detail::nearest_match(out.preset, kX26xPresets);
        if (!near.empty()) message += fmt::format(" (did you mean \"{}\"?)", near);
        return invalid(message);
    }
    if (out.video_codec == "libsvtav1" && !contains(kSvtAv1PixelFormats, out.pixel_format))
        return invalid(
            fmt::format("output.pixel_format: \"{}\" is not supported by libsvtav1 (allowed: {})",
                        out.pixel_format, profile_detail::join_list(kSvtAv1PixelFormats)));
    return {};
}

Result<void> check_all(const Profile& profile) {
    // Each field through the same checks as a file value, so the messages are identical.
    Profile scratch = profile;
    for (const profile_detail::FieldSpec& spec : profile_detail::field_specs())
        KZ_TRY(profile_detail::assign_field(spec, profile_detail::field_to_json(spec, profile),
                                            scratch));
    KZ_TRY(check_output_size(profile.output));
    KZ_TRY(check_tiles(profile.ai));
    KZ_TRY(check_encoder(profile.output));
    return {};
}

}  // namespace

Result<void> validate_profile(const Profile& profile, std::string_view source_name) {
    auto result = check_all(profile);
    if (!result)
        return profile_detail::with_source(std::move(result).error(),
                                           source_name.empty() ? profile.name : source_name);
    return {};
}

const char* backend_preference_name(BackendPreference backend) noexcept {
    switch (backend) {
        case BackendPreference::auto_select:
            return "auto";
        case BackendPreference::vulkan:
            return "vulkan";
        case BackendPreference::cpu:
            return "cpu";
        case BackendPreference::none:
            return "none";
    }
    return "unknown";
}

}  // namespace kizuna
