// "--set path=value" overrides: the value text is converted to the key's JSON type, then checked
// by the same code as a profile file.
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/profile_schema.hpp"
#include "kizuna/profile.hpp"

namespace kizuna {
namespace {

using profile_detail::FieldKind;
using profile_detail::FieldSpec;
using profile_detail::Json;

constexpr std::string_view kSource = "--set";

std::string_view trim(std::string_view s) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

Error invalid(std::string message) {
    return make_error(Errc::invalid_argument, std::move(message));
}

// The leaf at `path`, or the message a file with that key would get.
Result<const FieldSpec*> find_leaf(std::string_view path) {
    std::string section;
    std::string_view rest = path;
    while (true) {
        const size_t dot = rest.find('.');
        const std::string_view key = rest.substr(0, dot);
        const std::string here = profile_detail::join_path(section, key);
        bool known = false;
        for (std::string_view k : profile_detail::section_keys(section)) known = known || k == key;
        if (!known) return invalid(profile_detail::unknown_key_message(section, key));
        if (here == "schema")
            return invalid("schema: is the format version of a profile file and cannot be set");
        const FieldSpec* spec = profile_detail::find_field(here);
        if (dot == std::string_view::npos) {
            if (spec != nullptr) return spec;
            return invalid(
                fmt::format("{}: is a section, not a value (set one of its keys: {})", here,
                            profile_detail::join_list(profile_detail::section_keys(here))));
        }
        if (spec != nullptr)
            return invalid(
                fmt::format("{}: is a value, not a section (there is no \"{}\")", here, path));
        section = here;
        rest = rest.substr(dot + 1);
    }
}

// The value text as the JSON a file would hold for this key: strings may be bare or quoted;
// booleans and numbers are read as JSON literals ("true", "1.2", "4"), and anything that is not
// one is passed on as a string so that the type check reports it.
Json value_as_json(const FieldSpec& spec, std::string_view text) {
    const bool is_string_kind = spec.kind == FieldKind::text || spec.kind == FieldKind::choice;
    if (is_string_kind && (text.empty() || text.front() != '"')) return Json(std::string(text));
    try {
        Json value = Json::parse(text.begin(), text.end());
        if (!is_string_kind && value.is_string() &&
            !(!spec.auto_meaning.empty() && value.get_ref<const std::string&>() == "auto"))
            return Json(std::string(text));  // keep quotes
        return value;
    } catch (const nlohmann::json::exception&) {
        return Json(std::string(text));
    }
}

}  // namespace

Result<void> apply_override(Profile& profile, std::string_view assignment) {
    try {
        const size_t eq = assignment.find('=');
        if (eq == std::string_view::npos)
            return profile_detail::with_source(
                invalid(fmt::format(
                    "\"{}\": expected KEY=VALUE, e.g. stages.enhance.saturation=1.2", assignment)),
                kSource);
        const std::string_view path = trim(assignment.substr(0, eq));
        const std::string_view text = trim(assignment.substr(eq + 1));
        auto spec = find_leaf(path);
        if (!spec) return profile_detail::with_source(std::move(spec).error(), kSource);
        auto assigned = profile_detail::assign_field(**spec, value_as_json(**spec, text), profile);
        if (!assigned) return profile_detail::with_source(std::move(assigned).error(), kSource);
        return {};
    } catch (const std::exception& e) {
        return make_error(Errc::internal, fmt::format("{}: {}", kSource, e.what()));
    }
}

Result<void> apply_overrides(Profile& profile, std::span<const std::string> assignments) {
    Profile changed = profile;
    for (const std::string& assignment : assignments) KZ_TRY(apply_override(changed, assignment));
    KZ_TRY(validate_profile(changed, kSource));
    profile = std::move(changed);
    return {};
}

}  // namespace kizuna
