#include "kizuna/parse_number.hpp"

#include <charconv>
#include <cmath>
#include <string>
#include <system_error>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "kizuna/text.hpp"

namespace kizuna {
namespace {

// The text as typed, quoted and escaped for the one-line message.
std::string quoted(std::string_view text) {
    return fmt::format("\"{}\"", escape_for_terminal(text));
}

Error bad(std::string_view name, std::string reason) {
    return make_error(Errc::invalid_argument, fmt::format("{}: {}", name, reason));
}

Error outside(std::string_view name, std::string_view text, auto min, auto max) {
    return bad(name, fmt::format("{} is outside [{}, {}]", quoted(text), min, max));
}

// from_chars accepts no '+'; a single leading one is allowed here.
std::string_view without_plus(std::string_view text) {
    if (text.size() > 1 && text.front() == '+' && text[1] != '-' && text[1] != '+') {
        text.remove_prefix(1);
    }
    return text;
}

// Parses a plain decimal (digits, one optional '.', optional exponent) as a double; false when
// `text` is not exactly that. `out_of_range` is set for values a double cannot hold.
bool read_double(std::string_view text, double& value, bool& out_of_range) {
    out_of_range = false;
    if (text.empty()) return false;
    // from_chars (general) also takes "inf", "nan" and, in some library versions, hex; allow only
    // the characters of a decimal.
    for (char c : text) {
        const bool ok =
            (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+';
        if (!ok) return false;
    }
    const char* end = text.data() + text.size();
    const auto r = std::from_chars(text.data(), end, value, std::chars_format::general);
    if (r.ptr != end) return false;
    if (r.ec == std::errc::result_out_of_range) {
        out_of_range = true;
        return true;
    }
    return r.ec == std::errc{} && std::isfinite(value);
}

// The integer in `text`, or an error whose message is the reason alone (no option name).
Result<int64_t> integer_in_range(std::string_view text, int64_t min, int64_t max) {
    const std::string_view digits = without_plus(text);
    int64_t value = 0;
    const char* end = digits.data() + digits.size();
    const auto r = std::from_chars(digits.data(), end, value, 10);
    if (digits.empty() || r.ptr != end ||
        (r.ec != std::errc{} && r.ec != std::errc::result_out_of_range)) {
        return make_error(Errc::invalid_argument, quoted(text) + " is not an integer");
    }
    if (r.ec == std::errc::result_out_of_range || value < min || value > max) {
        return make_error(Errc::invalid_argument,
                          fmt::format("{} is outside [{}, {}]", quoted(text), min, max));
    }
    return value;
}

}  // namespace

Result<int64_t> parse_integer(std::string_view text, int64_t min, int64_t max,
                              std::string_view name) {
    auto v = integer_in_range(text, min, max);
    if (!v) return bad(name, std::move(v).error().message);
    return v;
}

Result<double> parse_decimal(std::string_view text, double min, double max, std::string_view name) {
    double value = 0;
    bool out_of_range = false;
    if (!read_double(without_plus(text), value, out_of_range)) {
        return bad(name, fmt::format("{} is not a number", quoted(text)));
    }
    if (out_of_range || !(value >= min && value <= max)) {
        return outside(name, text, min, max);
    }
    return value;
}

Result<uint64_t> parse_byte_size(std::string_view text, std::string_view name) {
    constexpr uint64_t kMiB = uint64_t{1} << 20;
    constexpr double kLimit = 4611686018427387904.0;  // 2^62
    size_t split = 0;
    while (split < text.size() &&
           ((text[split] >= '0' && text[split] <= '9') || text[split] == '.')) {
        ++split;
    }
    const std::string_view number = text.substr(0, split);
    std::string suffix(text.substr(split));
    for (char& c : suffix) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    int shift = -1;
    for (auto [names, s] :
         {std::pair{"|B", 0}, std::pair{"K|KB|KIB", 10}, std::pair{"M|MB|MIB", 20},
          std::pair{"G|GB|GIB", 30}, std::pair{"T|TB|TIB", 40}}) {
        std::string_view list = names;
        while (!list.empty()) {
            const size_t bar = list.find('|');
            if (list.substr(0, bar) == suffix) shift = s;
            list = bar == std::string_view::npos ? std::string_view{} : list.substr(bar + 1);
        }
    }
    double value = 0;
    bool out_of_range = false;
    if (shift < 0 || !read_double(number, value, out_of_range)) {
        return bad(name,
                   fmt::format("{} is not a size (write it as 4G, 512M or 1.5GiB)", quoted(text)));
    }
    const double bytes = std::ldexp(value, shift);
    if (out_of_range || !(bytes < kLimit)) {
        return bad(name, fmt::format("{} is too large", quoted(text)));
    }
    if (bytes < static_cast<double>(kMiB)) {
        return bad(name, fmt::format("{} is {} bytes, below the minimum of 1 MiB (write 4G for 4 "
                                     "GiB)",
                                     quoted(text), static_cast<uint64_t>(bytes)));
    }
    return static_cast<uint64_t>(bytes);
}

Result<Dimensions> parse_dimensions(std::string_view text, int min, int max,
                                    std::string_view name) {
    const size_t x = text.find_first_of("xX");
    if (x == std::string_view::npos || text.find_first_of("xX", x + 1) != std::string_view::npos) {
        return bad(name, fmt::format("{} is not WIDTHxHEIGHT, e.g. 3840x2160", quoted(text)));
    }
    Dimensions d;
    for (auto [part, label, out] : {std::tuple{text.substr(0, x), "width", &d.width},
                                    std::tuple{text.substr(x + 1), "height", &d.height}}) {
        auto v = integer_in_range(part, min, max);
        if (!v) return bad(name, fmt::format("{} {}", label, v.error().message));
        *out = static_cast<int>(*v);
    }
    return d;
}

}  // namespace kizuna
