// The profile schema as data: one FieldSpec per leaf key of the JSON (schema 1), shared by the
// file parser, the --set overrides, validation and serialisation so that all four agree on
// names, types, ranges and messages. Internal to kizuna_core.
#pragma once

#include <nlohmann/json.hpp>

#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/profile.hpp"

namespace kizuna::profile_detail {

// Ordered so that serialisation keeps the schema's key order.
using Json = nlohmann::ordered_json;

inline constexpr int kSchemaVersion = 1;

enum class FieldKind {
    boolean,  // JSON true/false
    integer,  // JSON number with an integral value
    number,   // any JSON number, stored as float
    text,     // free JSON string
    choice,   // JSON string from a fixed list
};

using FieldRef = std::variant<bool*, int*, float*, std::string*, BackendPreference*, AiPrecision*>;

struct FieldSpec {
    std::string_view path{};  // full dotted JSON path, e.g. "stages.enhance.saturation"
    FieldKind kind = FieldKind::boolean;
    double min = 0.0;  // integer/number: inclusive range (unused when int_values is set)
    double max = 0.0;
    std::span<const int> int_values{};  // integer: the allowed values, if not a range
    std::string_view zero_meaning{};    // integer: if set, 0 is also allowed and means this
    std::string_view auto_meaning{};    // integer: if set, the string "auto" is also
                                        // allowed, stored as -1, and means this
    bool non_empty = false;             // text: "" is rejected
    std::span<const std::string_view> choices{};  // choice: allowed strings (BackendPreference,
                                                  // AiPrecision: in enum order)
    FieldRef (*ref)(Profile& profile) = nullptr;  // the member this key maps to
};

// Every leaf key except "schema", in documentation order.
std::span<const FieldSpec> field_specs();

// The leaf with exactly this path, or nullptr.
const FieldSpec* find_field(std::string_view path);

// The keys directly inside a section ("" = top level, including "schema"; "stages";
// "stages.enhance"), in schema order. Empty when `section` is not a section.
std::vector<std::string_view> section_keys(std::string_view section);
bool is_section(std::string_view path);

// "section.key" (or "key" at the top level).
std::string join_path(std::string_view section, std::string_view key);

// "<section.key>: unknown key (did you mean "x"?)", or with the allowed keys listed when no key
// is close.
std::string unknown_key_message(std::string_view section, std::string_view key);

// The closest of `candidates` to `input` when it is close enough to be a likely typo (small
// edit distance, ignoring case, or one containing the other), else empty.
std::string_view nearest_match(std::string_view input,
                               std::span<const std::string_view> candidates);

// Checks `value` against `spec` and, when it passes, stores it in `profile`. On failure returns
// Errc::invalid_argument "<path>: <reason>" and leaves the profile unchanged.
Result<void> assign_field(const FieldSpec& spec, const Json& value, Profile& profile);

// The current value of `spec` in `profile` as JSON (floats as their shortest decimal form).
Json field_to_json(const FieldSpec& spec, const Profile& profile);

// What a JSON value is, for "expected X, got Y" messages: `string "abc"`, `number 2.5`,
// `boolean`, `null`, `object`, `array`.
std::string describe_json(const Json& value);

// Shortest text of a range bound or value: 2 -> "2", 0.001 -> "0.001".
std::string format_number(double value);

// A float as the double with the same shortest decimal form (1.05f -> 1.05).
double float_to_decimal(float value);

// Prefixes an error message with its source: "<source>: <message>".
Error with_source(Error error, std::string_view source);

// "a, b, c" for messages.
std::string join_list(std::span<const std::string_view> items, std::string_view quote = "");

}  // namespace kizuna::profile_detail
