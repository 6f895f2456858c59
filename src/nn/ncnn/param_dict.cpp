#include "nn/ncnn/param_dict.hpp"

#include <charconv>
#include <climits>
#include <cmath>

#include <fmt/format.h>

namespace kizuna::nn {
namespace {

bool looks_float(std::string_view s) {
    return s.find_first_of(".eE") != std::string_view::npos;
}

// Parses a whole string as an int or a finite float. Returns false on anything else.
bool parse_number(std::string_view s, double& out, bool& is_float) {
    if (s.empty()) return false;
    const char* first = s.data();
    const char* last = s.data() + s.size();
    if (*first == '+') ++first;  // from_chars rejects a leading '+'
    if (first == last) return false;
    is_float = looks_float(s);
    if (is_float) {
        auto [ptr, ec] = std::from_chars(first, last, out);
        return ec == std::errc() && ptr == last && std::isfinite(out);
    }
    long long v = 0;
    auto [ptr, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || ptr != last || v < INT_MIN || v > INT_MAX) return false;
    out = static_cast<double>(v);
    return true;
}

// Whether v is a whole number in int range.
bool whole_int(double v) {
    return v == std::floor(v) && v >= INT_MIN && v <= INT_MAX;
}

Error bad(std::string message) {
    return make_error(Errc::corrupt_data, std::move(message));
}

}  // namespace

Result<void> ParamDict::parse_token(std::string_view token) {
    const size_t eq = token.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == token.size())
        return bad(fmt::format("parameter '{}' is not of the form key=value", token));
    const std::string_view key_text = token.substr(0, eq);
    const std::string_view value_text = token.substr(eq + 1);
    int key = 0;
    {
        auto [ptr, ec] = std::from_chars(key_text.data(), key_text.data() + key_text.size(), key);
        if (ec != std::errc() || ptr != key_text.data() + key_text.size())
            return bad(fmt::format("parameter '{}' has a non-integer key", token));
    }
    const bool is_array = key <= -23300;
    const int id = is_array ? -key - 23300 : key;
    if (id < 0 || id > kMaxKey)
        return bad(fmt::format("parameter '{}': key {} is out of range", token, key));
    Entry& e = entries_[id];
    if (e.kind != Kind::none) return bad(fmt::format("parameter key {} appears twice", id));
    if (!is_array) {
        if (!parse_number(value_text, e.value, e.is_float))
            return bad(fmt::format("parameter '{}' has a malformed number", token));
        e.kind = Kind::scalar;
        return {};
    }
    // n,v1,...,vn
    size_t pos = value_text.find(',');
    const std::string_view count_text = value_text.substr(0, pos);
    double count_value = 0;
    bool count_float = false;
    if (!parse_number(count_text, count_value, count_float) || count_float || count_value < 0 ||
        count_value > kMaxArrayLength)
        return bad(
            fmt::format("array parameter '{}' has a bad length (0..{})", token, kMaxArrayLength));
    const int count = static_cast<int>(count_value);
    e.array.reserve(count);
    while (pos != std::string_view::npos) {
        const size_t next = value_text.find(',', pos + 1);
        const std::string_view item = value_text.substr(
            pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1);
        if (static_cast<int>(e.array.size()) == count)
            return bad(fmt::format("array parameter '{}' has more than {} values", token, count));
        double v = 0;
        bool f = false;
        if (!parse_number(item, v, f))
            return bad(fmt::format("array parameter '{}' has a malformed value '{}'", token, item));
        e.is_float = e.is_float || f;
        e.array.push_back(v);
        pos = next;
    }
    if (static_cast<int>(e.array.size()) != count)
        return bad(fmt::format("array parameter '{}' declares {} values but has {}", token, count,
                               e.array.size()));
    e.kind = Kind::array;
    return {};
}

Result<const ParamDict::Entry*> ParamDict::find(int key, Kind kind) const {
    if (!has(key)) return static_cast<const Entry*>(nullptr);
    const Entry& e = entries_[key];
    if (e.kind != kind)
        return bad(kind == Kind::scalar
                       ? fmt::format("parameter {} must be a number, not an array", key)
                       : fmt::format("parameter {} must be an array", key));
    return &e;
}

Result<int> ParamDict::get_int(int key, int fallback) const {
    auto e = find(key, Kind::scalar);
    KZ_TRY(e);
    if (*e == nullptr) return fallback;
    const double v = (*e)->value;
    if (!whole_int(v)) return bad(fmt::format("parameter {} must be an integer, got {}", key, v));
    return static_cast<int>(v);
}

Result<float> ParamDict::get_float(int key, float fallback) const {
    auto e = find(key, Kind::scalar);
    KZ_TRY(e);
    return *e == nullptr ? fallback : static_cast<float>((*e)->value);
}

Result<std::span<const double>> ParamDict::array_values(int key) const {
    auto e = find(key, Kind::array);
    KZ_TRY(e);
    if (*e == nullptr) return std::span<const double>();
    return std::span<const double>((*e)->array);
}

Result<std::vector<float>> ParamDict::get_float_array(int key) const {
    auto values = array_values(key);
    KZ_TRY(values);
    return std::vector<float>(values->begin(), values->end());
}

Result<std::vector<int>> ParamDict::get_int_array(int key) const {
    auto values = array_values(key);
    KZ_TRY(values);
    std::vector<int> out;
    out.reserve(values->size());
    for (double v : *values) {
        if (!whole_int(v))
            return bad(fmt::format("parameter {} must hold integers, got {}", key, v));
        out.push_back(static_cast<int>(v));
    }
    return out;
}

std::vector<int> ParamDict::keys() const {
    std::vector<int> out;
    for (int k = 0; k <= kMaxKey; ++k)
        if (entries_[k].kind != Kind::none) out.push_back(k);
    return out;
}

}  // namespace kizuna::nn
