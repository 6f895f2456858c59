// Reading profiles: JSON text or a file -> validated Profile.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <new>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/profile_schema.hpp"
#include "kizuna/profile.hpp"

namespace kizuna {
namespace {

using profile_detail::Json;

constexpr std::uintmax_t kMaxProfileBytes = 1u << 20;

Error invalid(std::string_view source, std::string message) {
    return profile_detail::with_source(make_error(Errc::invalid_argument, std::move(message)),
                                       source);
}

// Remembers the keys seen in every open object of the document so that a key given twice (which
// nlohmann would silently resolve to the last value) is reported.
class DuplicateKeyFinder {
public:
    bool on_event(nlohmann::json::parse_event_t event, const Json& parsed) {
        using Event = nlohmann::json::parse_event_t;
        if (event == Event::object_start || event == Event::array_start) {
            frames_.push_back(Frame{});
        } else if (event == Event::object_end || event == Event::array_end) {
            if (!frames_.empty()) frames_.pop_back();
        } else if (event == Event::key && !frames_.empty() && duplicate_.empty()) {
            Frame& frame = frames_.back();
            const std::string key = parsed.get<std::string>();
            for (const std::string& seen : frame.keys) {
                if (seen == key) {
                    duplicate_ = enclosing_path();
                    duplicate_ = profile_detail::join_path(duplicate_, key);
                    break;
                }
            }
            frame.keys.push_back(key);
        }
        return true;
    }
    // The dotted path of the first key given twice, or empty.
    const std::string& duplicate() const { return duplicate_; }

private:
    struct Frame {
        std::vector<std::string> keys;  // in order; the last one names the value being parsed
    };
    std::string enclosing_path() const {
        std::string path;
        for (size_t i = 0; i + 1 < frames_.size(); ++i) {
            if (frames_[i].keys.empty()) continue;  // array element
            path = profile_detail::join_path(path, frames_[i].keys.back());
        }
        return path;
    }
    std::vector<Frame> frames_;
    std::string duplicate_;
};

// "line L, column C: <reason>" from a nlohmann parse error.
std::string syntax_error_text(const nlohmann::json::parse_error& e, std::string_view text) {
    const std::string what = e.what();
    constexpr std::string_view kMarker = "parse error at ";
    const size_t at = what.find(kMarker);
    if (at != std::string::npos && what.compare(at + kMarker.size(), 5, "line ") == 0)
        return what.substr(at + kMarker.size());
    // No position in the message: derive it from the byte offset.
    const size_t end = std::min<size_t>(e.byte, text.size());
    size_t line = 1;
    size_t column = 1;
    for (size_t i = 0; i + 1 < end; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    const size_t colon = what.find("] ");
    const std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
    return fmt::format("line {}, column {}: {}", line, column, reason);
}

Result<void> read_section(const Json& object, std::string_view section, Profile& profile) {
    const std::vector<std::string_view> keys = profile_detail::section_keys(section);
    for (const auto& [key, value] : object.items()) {
        if (section.empty() && key == "schema") continue;  // checked before
        bool known = false;
        for (std::string_view k : keys) known = known || k == key;
        if (!known)
            return make_error(Errc::invalid_argument,
                              profile_detail::unknown_key_message(section, key));
        const std::string path = profile_detail::join_path(section, key);
        if (const auto* spec = profile_detail::find_field(path)) {
            KZ_TRY(profile_detail::assign_field(*spec, value, profile));
        } else {
            if (!value.is_object())
                return make_error(Errc::invalid_argument,
                                  fmt::format("{}: expected an object, got {}", path,
                                              profile_detail::describe_json(value)));
            KZ_TRY(read_section(value, path, profile));
        }
    }
    return {};
}

Result<void> check_schema_version(const Json& root) {
    const auto it = root.find("schema");
    if (it == root.end())
        return make_error(Errc::invalid_argument,
                          fmt::format("\"schema\" is missing (add \"schema\": {} at the top level)",
                                      profile_detail::kSchemaVersion));
    if (!it->is_number_integer() && !(it->is_number_float() && it->get<double>() == 1.0))
        return make_error(Errc::invalid_argument,
                          "schema: expected an integer, got " + profile_detail::describe_json(*it));
    if (it->get<double>() != profile_detail::kSchemaVersion)
        return make_error(Errc::invalid_argument,
                          fmt::format("schema: {} is not supported (this version reads schema {})",
                                      it->dump(), profile_detail::kSchemaVersion));
    return {};
}

Result<Profile> parse_document(std::string_view json_text, std::string_view source_name) {
    DuplicateKeyFinder duplicates;
    Json root;
    try {
        root = Json::parse(json_text.begin(), json_text.end(),
                           [&duplicates](int, nlohmann::json::parse_event_t event, Json& parsed) {
                               return duplicates.on_event(event, parsed);
                           });
    } catch (const nlohmann::json::parse_error& e) {
        return invalid(source_name, syntax_error_text(e, json_text));
    } catch (const nlohmann::json::exception& e) {
        // e.g. out_of_range.406 "number overflow parsing '1e400'"
        const std::string what = e.what();
        const size_t colon = what.find("] ");
        return invalid(source_name, colon == std::string::npos ? what : what.substr(colon + 2));
    }
    if (!duplicates.duplicate().empty())
        return invalid(source_name, fmt::format("{}: key given twice", duplicates.duplicate()));
    if (!root.is_object())
        return invalid(source_name, fmt::format("expected a JSON object at the top level, got {}",
                                                profile_detail::describe_json(root)));

    Profile profile;
    if (auto r = check_schema_version(root); !r)
        return profile_detail::with_source(std::move(r).error(), source_name);
    if (auto r = read_section(root, "", profile); !r)
        return profile_detail::with_source(std::move(r).error(), source_name);
    if (!root.contains("name")) {
        profile.name = std::filesystem::path(std::string(source_name)).stem().string();
    }
    KZ_TRY(validate_profile(profile, source_name));
    return profile;
}

}  // namespace

Result<Profile> parse_profile(std::string_view json_text, std::string_view source_name) {
    try {
        return parse_document(json_text, source_name);
    } catch (const std::bad_alloc&) {
        return profile_detail::with_source(
            make_error(Errc::out_of_memory, "out of memory while parsing the profile"),
            source_name);
    } catch (const std::exception& e) {
        return profile_detail::with_source(make_error(Errc::internal, e.what()), source_name);
    }
}

Result<Profile> load_profile(const std::filesystem::path& path) {
    const std::string name = path.string();
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (status.type() == std::filesystem::file_type::not_found)
        return make_error(Errc::not_found, fmt::format("{}: no such file", name));
    if (ec)
        return make_error(Errc::io_error, fmt::format("{}: cannot read ({})", name, ec.message()));
    if (status.type() == std::filesystem::file_type::directory)
        return make_error(Errc::io_error,
                          fmt::format("{}: is a directory, not a profile file", name));

    std::ifstream in(path, std::ios::binary);
    if (!in)
        return make_error(Errc::io_error,
                          fmt::format("{}: cannot open ({})", name, std::strerror(errno)));
    std::string text;
    char buffer[16384];
    while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
        text.append(buffer, static_cast<size_t>(in.gcount()));
        if (text.size() > kMaxProfileBytes)
            return make_error(Errc::io_error,
                              fmt::format("{}: larger than {} bytes, not a profile file", name,
                                          kMaxProfileBytes));
    }
    if (in.bad())
        return make_error(Errc::io_error,
                          fmt::format("{}: read failed ({})", name, std::strerror(errno)));
    return parse_profile(text, name);
}

}  // namespace kizuna
