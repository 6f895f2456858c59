// Built-in profiles and name-or-path resolution.
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/profile_builtin_data.hpp"
#include "core/profile_schema.hpp"
#include "kizuna/profile.hpp"

namespace kizuna {
namespace {

std::vector<std::string_view> names_view() {
    std::vector<std::string_view> names;
    for (const auto& p : profile_detail::embedded_profiles()) names.push_back(p.name);
    return names;
}

// " (did you mean "balanced"?)" or "".
std::string suggestion(std::string_view name) {
    const std::vector<std::string_view> names = names_view();
    const std::string_view near = profile_detail::nearest_match(name, names);
    return near.empty() ? std::string() : fmt::format(" (did you mean \"{}\"?)", near);
}

}  // namespace

std::vector<std::string> builtin_profile_names() {
    std::vector<std::string> names;
    for (const auto& p : profile_detail::embedded_profiles()) names.emplace_back(p.name);
    return names;
}

std::string_view builtin_profile_json(std::string_view name) {
    for (const auto& p : profile_detail::embedded_profiles())
        if (p.name == name) return p.json;
    return {};
}

Result<Profile> builtin_profile(std::string_view name) {
    for (const auto& p : profile_detail::embedded_profiles())
        if (p.name == name) return parse_profile(p.json, fmt::format("{}.json", p.name));
    return make_error(Errc::not_found,
                      fmt::format("\"{}\": no such built-in profile{}; built-ins: {}", name,
                                  suggestion(name), profile_detail::join_list(names_view())));
}

Result<Profile> resolve_profile(std::string_view name_or_path) {
    if (name_or_path.empty())
        return make_error(Errc::invalid_argument,
                          "profile: empty name; give a built-in name or a file path");
    if (!builtin_profile_json(name_or_path).empty()) return builtin_profile(name_or_path);
    const std::filesystem::path path{std::string(name_or_path)};
    std::error_code ec;
    const bool looks_like_name =
        name_or_path.find('/') == std::string_view::npos && !path.has_extension();
    if (looks_like_name && !std::filesystem::exists(path, ec))
        return make_error(
            Errc::not_found,
            fmt::format("{}: neither a built-in profile{} nor a file; built-ins: {}", name_or_path,
                        suggestion(name_or_path), profile_detail::join_list(names_view())));
    return load_profile(path);
}

}  // namespace kizuna
