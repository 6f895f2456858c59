// Profile -> pretty JSON in schema order.
#include <string>

#include "core/profile_schema.hpp"
#include "kizuna/profile.hpp"

namespace kizuna {

std::string profile_to_json(const Profile& profile) {
    using profile_detail::Json;
    Json root = Json::object();
    root["schema"] = profile_detail::kSchemaVersion;
    for (const profile_detail::FieldSpec& spec : profile_detail::field_specs()) {
        Json* node = &root;
        std::string_view rest = spec.path;
        for (size_t dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
            node = &(*node)[std::string(rest.substr(0, dot))];
            rest = rest.substr(dot + 1);
        }
        (*node)[std::string(rest)] = profile_detail::field_to_json(spec, profile);
    }
    // Invalid UTF-8 (only possible in a profile built in code) becomes U+FFFD instead of throwing.
    return root.dump(4, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kizuna
