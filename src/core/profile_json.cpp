// Profile -> pretty JSON in schema order.
#include <string>

#include "core/profile_schema.hpp"
#include "kizuna/profile.hpp"

namespace kizuna {
namespace {

// JSON escapes control characters below 0x20 but passes DEL, the C1 controls, the line and
// paragraph separators and the bidirectional controls as raw UTF-8, which a terminal may act on
// when the JSON is printed. They can only occur inside strings, where "\uXXXX" means the same.
// `json` is well-formed UTF-8, so these byte patterns cannot start inside another character.
std::string escape_terminal_controls(const std::string& json) {
    std::string out;
    out.reserve(json.size());
    constexpr char kHex[] = "0123456789abcdef";
    const auto escape = [&](unsigned cp) {
        out += "\\u";
        for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 15];
    };
    for (size_t i = 0; i < json.size(); ++i) {
        const auto b0 = static_cast<unsigned char>(json[i]);
        const auto b1 = i + 1 < json.size() ? static_cast<unsigned char>(json[i + 1]) : 0u;
        const auto b2 = i + 2 < json.size() ? static_cast<unsigned char>(json[i + 2]) : 0u;
        if (b0 == 0x7F) {
            escape(0x7F);
        } else if (b0 == 0xC2 && b1 >= 0x80 && b1 <= 0x9F) {
            escape(b1);
            i += 1;
        } else if (b0 == 0xE2 && ((b1 == 0x80 && b2 >= 0xA8 && b2 <= 0xAE) ||
                                  (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9))) {
            escape(0x2000 + ((b1 & 0x3Fu) << 6) + (b2 & 0x3Fu));
            i += 2;
        } else {
            out += static_cast<char>(b0);
        }
    }
    return out;
}

}  // namespace

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
    return escape_terminal_controls(
        root.dump(4, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace kizuna
