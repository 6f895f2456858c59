// Parsing of option values shared by several commands. Numeric options are taken from CLI11 as
// text and parsed here strictly (kizuna/parse_number.hpp): the whole text, inside the range,
// nothing wrapped, zero or NaN never taken for "not given".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli_fwd.hpp"
#include "kizuna/error.hpp"
#include "kizuna/models.hpp"
#include "kizuna/preview.hpp"

namespace kizuna::cli {

// "auto" | "cpu" | "vulkan" | "reference"
std::optional<PreviewBackendKind> parse_preview_backend(const std::string& text);

// --precision's value ("auto", "fp32" or "fp16") for a model run on `backend`; a one-line error
// for any other text. Logs a warning when fp16 is asked of a CPU backend, which computes in fp32.
Result<NnPrecision> precision_option(const std::string& text, NnBackendKind backend);

// A numeric option held as text: `given` is false when it was not on the command line (then the
// default applies); an empty value that was given is an error, not the default.
struct NumberOption {
    std::string text;
    CLI::Option* option = nullptr;
    bool given() const;
};

// Adds "--name" taking any text into `out` (parsed later by the functions below).
CLI::Option* add_number_option(CLI::App* cmd, const std::string& flags, NumberOption& out,
                               const std::string& help);

// The option's value as an int in [min, max], or `fallback` when not given. The error names the
// option (its longest name) and the range.
Result<int> int_option(const NumberOption& o, int min, int max, int fallback);
// The same for a decimal number.
Result<double> decimal_option(const NumberOption& o, double min, double max, double fallback);

// int_option / decimal_option stored into `out` (converted to its type); `out` is left alone on
// an error.
template <class T>
Result<void> store_int_option(const NumberOption& o, int min, int max, int fallback, T& out) {
    auto v = int_option(o, min, max, fallback);
    if (!v) return std::move(v).error();
    out = static_cast<T>(*v);
    return {};
}
template <class T>
Result<void> store_decimal_option(const NumberOption& o, double min, double max, double fallback,
                                  T& out) {
    auto v = decimal_option(o, min, max, fallback);
    if (!v) return std::move(v).error();
    out = static_cast<T>(*v);
    return {};
}

// `text` cut at every `separator`: "a,b,,c" gives {"a", "b", "", "c"}; "" gives {""}.
std::vector<std::string> split_fields(const std::string& text, char separator);

// A time in a video for --at: seconds ("12.5") or [HH:]MM:SS[.fraction] ("1:02.5",
// "0:01:02"); minutes and seconds fields below 60. Errors name `name` and the text.
Result<double> parse_time_option(const std::string& text, const std::string& name);

// A bit rate: a number of bits per second with an optional k, M or G suffix (powers of 1000,
// case-insensitive), e.g. "8M", "2500k", "192000"; inside [min, max] bits per second.
Result<int64_t> parse_bit_rate(const std::string& text, int64_t min, int64_t max,
                               const std::string& name);

}  // namespace kizuna::cli
