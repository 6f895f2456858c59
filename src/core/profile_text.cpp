// Message helpers of the profile schema: typo suggestions, value descriptions, number formatting.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/profile_schema.hpp"

namespace kizuna::profile_detail {
namespace {

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbouring characters each cost 1.
size_t edit_distance(std::string_view a, std::string_view b) {
    const size_t n = a.size();
    const size_t m = b.size();
    std::vector<size_t> d((n + 1) * (m + 1));
    auto at = [&](size_t i, size_t j) -> size_t& { return d[i * (m + 1) + j]; };
    for (size_t i = 0; i <= n; ++i) at(i, 0) = i;
    for (size_t j = 0; j <= m; ++j) at(0, j) = j;
    for (size_t i = 1; i <= n; ++i) {
        for (size_t j = 1; j <= m; ++j) {
            const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
        }
    }
    return at(n, m);
}

// A user's text in a message: at most 40 characters, quoted.
std::string quoted_excerpt(const std::string& s) {
    constexpr size_t kMax = 40;
    if (s.size() <= kMax) return fmt::format("\"{}\"", s);
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 start
    return fmt::format("\"{}...\"", s.substr(0, cut));
}

}  // namespace

std::string_view nearest_match(std::string_view input,
                               std::span<const std::string_view> candidates) {
    const std::string in = to_lower(input);
    if (in.empty()) return {};
    std::string_view best;
    size_t best_distance = SIZE_MAX;
    for (std::string_view candidate : candidates) {
        const std::string c = to_lower(candidate);
        size_t distance = edit_distance(in, c);
        // A candidate that contains the input or is contained in it ("x264" / "libx264") counts
        // as close, ranked after true typos of the same distance.
        const bool contains = std::min(in.size(), c.size()) >= 3 &&
                              (c.find(in) != std::string::npos || in.find(c) != std::string::npos);
        const size_t limit = std::max<size_t>(1, std::max(in.size(), c.size()) / 3);
        if (distance > limit && !contains) continue;
        if (distance < best_distance) {
            best_distance = distance;
            best = candidate;
        }
    }
    return best;
}

std::string describe_json(const Json& value) {
    if (value.is_string()) return "string " + quoted_excerpt(value.get_ref<const std::string&>());
    if (value.is_number()) return "number " + value.dump();
    return value.type_name();  // "boolean", "null", "object", "array"
}

std::string format_number(double value) {
    return fmt::format("{}", value);
}

double float_to_decimal(float value) {
    char buf[64];
    const auto written = std::to_chars(buf, buf + sizeof(buf), value);
    double out = value;
    std::from_chars(buf, written.ptr, out);
    return out;
}

Error with_source(Error error, std::string_view source) {
    if (!source.empty()) error.message = fmt::format("{}: {}", source, error.message);
    return error;
}

std::string join_list(std::span<const std::string_view> items, std::string_view quote) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ", ";
        out += quote;
        out += items[i];
        out += quote;
    }
    return out;
}

}  // namespace kizuna::profile_detail
