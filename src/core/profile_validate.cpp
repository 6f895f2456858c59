// Profile validation: every field against its range, then the rules that tie fields together.
#include <string>
#include "core/enum_names.hpp"

#include <fmt/format.h>

#include "core/encoder_presets.hpp"
#include "core/profile_schema.hpp"
#include "kizuna/profile.hpp"

namespace kizuna {
namespace {

constexpr std::string_view kSvtAv1PixelFormats[] = {"yuv420p", "yuv420p10le"};

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
    const int max_crf = core::encoder_max_crf(out.video_codec);
    if (out.crf > max_crf)
        return invalid(fmt::format("output.crf: {} is outside [0, {}] for {}", out.crf, max_crf,
                                   out.video_codec));
    KZ_TRY(core::encoder_preset_options(out.video_codec, out.preset));
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
    return enum_name<BackendPreference::none>(backend, {"auto", "vulkan", "cpu", "none"},
                                              "unknown");
}

const char* ai_precision_name(AiPrecision precision) noexcept {
    return enum_name<AiPrecision::fp16>(precision, {"auto", "fp32", "fp16"}, "unknown");
}

}  // namespace kizuna
