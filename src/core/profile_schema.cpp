#include "core/profile_schema.hpp"

#include <cmath>
#include <string>

#include <fmt/format.h>

namespace kizuna::profile_detail {
namespace {

constexpr int kAiScales[] = {1, 2, 3, 4};
constexpr int kImageBitDepths[] = {8, 16};
// In BackendPreference order.
constexpr std::string_view kBackends[] = {"auto", "vulkan", "cpu", "none"};
// In AiPrecision order.
constexpr std::string_view kPrecisions[] = {"auto", "fp32", "fp16"};
constexpr std::string_view kVideoCodecs[] = {"libx264",    "libx265",    "libsvtav1",
                                             "libvpx-vp9", "libaom-av1", "ffv1"};
constexpr std::string_view kPixelFormats[] = {"yuv420p", "yuv420p10le", "yuv444p", "yuv444p10le"};

#define KZ_PROFILE_REF(member) [](Profile& p) -> FieldRef { return &p.member; }

FieldSpec boolean(std::string_view path, FieldRef (*ref)(Profile&)) {
    return {.path = path, .kind = FieldKind::boolean, .ref = ref};
}

FieldSpec number(std::string_view path, double min, double max, FieldRef (*ref)(Profile&)) {
    return {.path = path, .kind = FieldKind::number, .min = min, .max = max, .ref = ref};
}

FieldSpec integer(std::string_view path, double min, double max, FieldRef (*ref)(Profile&),
                  std::string_view zero_meaning = {}) {
    return {.path = path,
            .kind = FieldKind::integer,
            .min = min,
            .max = max,
            .zero_meaning = zero_meaning,
            .ref = ref};
}

FieldSpec integer_or_auto(std::string_view path, double min, double max, FieldRef (*ref)(Profile&),
                          std::string_view auto_meaning) {
    FieldSpec s = integer(path, min, max, ref);
    s.auto_meaning = auto_meaning;
    return s;
}

FieldSpec integer_of(std::string_view path, std::span<const int> values,
                     FieldRef (*ref)(Profile&)) {
    return {.path = path, .kind = FieldKind::integer, .int_values = values, .ref = ref};
}

FieldSpec text(std::string_view path, bool non_empty, FieldRef (*ref)(Profile&)) {
    return {.path = path, .kind = FieldKind::text, .non_empty = non_empty, .ref = ref};
}

FieldSpec choice(std::string_view path, std::span<const std::string_view> choices,
                 FieldRef (*ref)(Profile&)) {
    return {.path = path, .kind = FieldKind::choice, .choices = choices, .ref = ref};
}

const std::vector<FieldSpec>& table() {
    static const std::vector<FieldSpec> specs = {
        text("name", false, KZ_PROFILE_REF(name)),
        text("description", false, KZ_PROFILE_REF(description)),

        boolean("stages.normalize.enabled", KZ_PROFILE_REF(normalize.enabled)),
        number("stages.normalize.denoise_strength", 0, 1,
               KZ_PROFILE_REF(normalize.denoise_strength)),
        integer("stages.normalize.denoise_radius", 1, 4, KZ_PROFILE_REF(normalize.denoise_radius)),
        boolean("stages.normalize.linear_light", KZ_PROFILE_REF(normalize.linear_light)),

        boolean("stages.reconstruct.enabled", KZ_PROFILE_REF(reconstruct.enabled)),
        number("stages.reconstruct.edge_threshold", 0, 1,
               KZ_PROFILE_REF(reconstruct.edge_threshold)),
        number("stages.reconstruct.line_threshold", 0, 1,
               KZ_PROFILE_REF(reconstruct.line_threshold)),

        boolean("stages.upscale.enabled", KZ_PROFILE_REF(upscale.enabled)),
        number("stages.upscale.anti_ringing", 0, 1, KZ_PROFILE_REF(upscale.anti_ringing)),
        number("stages.upscale.edge_sharpness", 0, 2, KZ_PROFILE_REF(upscale.edge_sharpness)),

        boolean("stages.enhance.enabled", KZ_PROFILE_REF(enhance.enabled)),
        number("stages.enhance.contrast", 0, 1, KZ_PROFILE_REF(enhance.contrast)),
        number("stages.enhance.line_darken", 0, 1, KZ_PROFILE_REF(enhance.line_darken)),
        number("stages.enhance.saturation", 0, 2, KZ_PROFILE_REF(enhance.saturation)),
        number("stages.enhance.sharpen", 0, 2, KZ_PROFILE_REF(enhance.sharpen)),

        boolean("stages.temporal.enabled", KZ_PROFILE_REF(temporal.enabled)),
        number("stages.temporal.strength", 0, 1, KZ_PROFILE_REF(temporal.strength)),
        number("stages.temporal.motion_threshold", 0.001, 1,
               KZ_PROFILE_REF(temporal.motion_threshold)),
        number("stages.temporal.scene_cut_threshold", 0, 1,
               KZ_PROFILE_REF(temporal.scene_cut_threshold)),

        boolean("ai.enabled", KZ_PROFILE_REF(ai.enabled)),
        text("ai.model", true, KZ_PROFILE_REF(ai.model)),
        integer_of("ai.scale", kAiScales, KZ_PROFILE_REF(ai.scale)),
        integer("ai.tile_size", 32, 2048, KZ_PROFILE_REF(ai.tile_size), "automatic"),
        integer_or_auto("ai.tile_overlap", 0, 512, KZ_PROFILE_REF(ai.tile_overlap),
                        "derived from the model's receptive field"),
        number("ai.strength", 0, 1, KZ_PROFILE_REF(ai.strength)),
        choice("ai.backend", kBackends, KZ_PROFILE_REF(ai.backend)),
        integer("ai.threads", 1, 256, KZ_PROFILE_REF(ai.threads), "all hardware threads"),
        choice("ai.precision", kPrecisions, KZ_PROFILE_REF(ai.precision)),

        number("output.scale", 1, 8, KZ_PROFILE_REF(output.scale)),
        integer("output.width", 16, 16384, KZ_PROFILE_REF(output.width), "from output.scale"),
        integer("output.height", 16, 16384, KZ_PROFILE_REF(output.height), "from output.scale"),
        choice("output.video_codec", kVideoCodecs, KZ_PROFILE_REF(output.video_codec)),
        integer("output.crf", 0, 63, KZ_PROFILE_REF(output.crf)),
        text("output.preset", true, KZ_PROFILE_REF(output.preset)),
        choice("output.pixel_format", kPixelFormats, KZ_PROFILE_REF(output.pixel_format)),
        integer_of("output.image_bit_depth", kImageBitDepths,
                   KZ_PROFILE_REF(output.image_bit_depth)),
    };
    return specs;
}

#undef KZ_PROFILE_REF

Error invalid(const FieldSpec& spec, std::string reason) {
    return make_error(Errc::invalid_argument, fmt::format("{}: {}", spec.path, reason));
}

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool is_valid_utf8(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        size_t extra = 0;
        uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (text.size() - i <= extra) return false;  // truncated sequence
        for (size_t k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += extra + 1;
    }
    return true;
}

std::string range_text(const FieldSpec& spec) {
    return fmt::format("[{}, {}]", format_number(spec.min), format_number(spec.max));
}

Result<void> assign_integer(const FieldSpec& spec, const Json& value, int* out) {
    if (!spec.auto_meaning.empty() && value.is_string() &&
        value.get_ref<const std::string&>() == "auto") {
        *out = -1;
        return {};
    }
    const std::string_view expected =
        spec.auto_meaning.empty() ? "expected an integer" : "expected an integer or \"auto\"";
    if (!value.is_number())
        return invalid(spec, fmt::format("{}, got {}", expected, describe_json(value)));
    const double v = value.get<double>();
    if (value.is_number_float() && v != std::floor(v))
        return invalid(spec, fmt::format("{}, got {}", expected, value.dump()));
    if (!spec.int_values.empty()) {
        for (int allowed : spec.int_values) {
            if (v == allowed) {
                *out = allowed;
                return {};
            }
        }
        std::vector<std::string> names;
        for (int allowed : spec.int_values) names.push_back(std::to_string(allowed));
        return invalid(spec,
                       fmt::format("{} is not one of {}", value.dump(), fmt::join(names, ", ")));
    }
    if (!spec.zero_meaning.empty() && v == 0) {
        *out = 0;
        return {};
    }
    if (!(v >= spec.min && v <= spec.max)) {
        std::string reason = fmt::format("{} is outside {}", value.dump(), range_text(spec));
        if (!spec.zero_meaning.empty()) reason += fmt::format(" (or 0 = {})", spec.zero_meaning);
        if (!spec.auto_meaning.empty())
            reason += fmt::format(" (or \"auto\" = {})", spec.auto_meaning);
        return invalid(spec, reason);
    }
    *out = static_cast<int>(v);
    return {};
}

Result<void> assign_number(const FieldSpec& spec, const Json& value, float* out) {
    if (!value.is_number()) return invalid(spec, "expected a number, got " + describe_json(value));
    const double v = value.get<double>();
    if (!(v >= spec.min && v <= spec.max))
        return invalid(spec, fmt::format("{} is outside {}", format_number(v), range_text(spec)));
    *out = static_cast<float>(v);
    return {};
}

Result<void> check_string(const FieldSpec& spec, const Json& value) {
    if (!value.is_string()) return invalid(spec, "expected a string, got " + describe_json(value));
    const auto& s = value.get_ref<const std::string&>();
    if (!is_valid_utf8(s)) return invalid(spec, "is not valid UTF-8");
    if (spec.non_empty && s.empty()) return invalid(spec, "must not be empty");
    return {};
}

Result<void> assign_choice(const FieldSpec& spec, const Json& value, FieldRef ref) {
    KZ_TRY(check_string(spec, value));
    const auto& s = value.get_ref<const std::string&>();
    for (size_t i = 0; i < spec.choices.size(); ++i) {
        if (spec.choices[i] != s) continue;
        if (auto* str = std::get_if<std::string*>(&ref)) {
            **str = s;
        } else if (auto* backend = std::get_if<BackendPreference*>(&ref)) {
            **backend = static_cast<BackendPreference>(i);
        } else if (auto* precision = std::get_if<AiPrecision*>(&ref)) {
            **precision = static_cast<AiPrecision>(i);
        }
        return {};
    }
    std::string reason = fmt::format("\"{}\" is not one of {}", s, join_list(spec.choices, "\""));
    const std::string_view near = nearest_match(s, spec.choices);
    if (!near.empty()) reason += fmt::format(" (did you mean \"{}\"?)", near);
    return invalid(spec, reason);
}

}  // namespace

std::span<const FieldSpec> field_specs() {
    return table();
}

const FieldSpec* find_field(std::string_view path) {
    for (const FieldSpec& spec : table())
        if (spec.path == path) return &spec;
    return nullptr;
}

std::vector<std::string_view> section_keys(std::string_view section) {
    std::vector<std::string_view> keys;
    if (section.empty()) keys.push_back("schema");
    const std::string prefix = section.empty() ? std::string() : std::string(section) + ".";
    for (const FieldSpec& spec : table()) {
        if (!spec.path.starts_with(prefix)) continue;
        std::string_view rest = spec.path.substr(prefix.size());
        rest = rest.substr(0, rest.find('.'));
        bool seen = false;
        for (std::string_view k : keys) seen = seen || k == rest;
        if (!seen) keys.push_back(rest);
    }
    return keys;
}

bool is_section(std::string_view path) {
    return path.empty() || (find_field(path) == nullptr && !section_keys(path).empty());
}

std::string join_path(std::string_view section, std::string_view key) {
    if (section.empty()) return std::string(key);
    return fmt::format("{}.{}", section, key);
}

std::string unknown_key_message(std::string_view section, std::string_view key) {
    const std::vector<std::string_view> keys = section_keys(section);
    const std::string_view near = nearest_match(key, keys);
    if (!near.empty())
        return fmt::format("{}: unknown key (did you mean \"{}\"?)", join_path(section, key), near);
    return fmt::format("{}: unknown key (allowed here: {})", join_path(section, key),
                       join_list(keys));
}

Result<void> assign_field(const FieldSpec& spec, const Json& value, Profile& profile) {
    const FieldRef ref = spec.ref(profile);
    switch (spec.kind) {
        case FieldKind::boolean:
            if (!value.is_boolean())
                return invalid(spec,
                               "expected a boolean (true or false), got " + describe_json(value));
            *std::get<bool*>(ref) = value.get<bool>();
            return {};
        case FieldKind::integer:
            return assign_integer(spec, value, std::get<int*>(ref));
        case FieldKind::number:
            return assign_number(spec, value, std::get<float*>(ref));
        case FieldKind::text:
            KZ_TRY(check_string(spec, value));
            *std::get<std::string*>(ref) = value.get<std::string>();
            return {};
        case FieldKind::choice:
            return assign_choice(spec, value, ref);
    }
    return make_error(Errc::internal, fmt::format("{}: unhandled field kind", spec.path));
}

Json field_to_json(const FieldSpec& spec, const Profile& profile) {
    // The accessor only forms a pointer; nothing is written through it here.
    const FieldRef ref = spec.ref(const_cast<Profile&>(profile));
    if (auto* b = std::get_if<bool*>(&ref)) return **b;
    if (auto* i = std::get_if<int*>(&ref)) {
        if (!spec.auto_meaning.empty() && **i == -1) return "auto";
        return **i;
    }
    if (auto* f = std::get_if<float*>(&ref)) return float_to_decimal(**f);
    if (auto* s = std::get_if<std::string*>(&ref)) return **s;
    const auto index = std::holds_alternative<AiPrecision*>(ref)
                           ? static_cast<size_t>(*std::get<AiPrecision*>(ref))
                           : static_cast<size_t>(*std::get<BackendPreference*>(ref));
    return index < spec.choices.size() ? Json(spec.choices[index]) : Json(index);
}

}  // namespace kizuna::profile_detail
