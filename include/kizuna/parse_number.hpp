// Strict parsing of numbers given as text (command-line options): the whole text must be one
// number, inside its range. Nothing wraps at 2^32 or 2^64, nothing rounds to zero unnoticed, NaN
// and infinity are not numbers, and there is no default for an empty or malformed value.
//
// Every error is Errc::invalid_argument with one line that starts with `name` (the option, e.g.
// "--scale") and gives the text as typed and the accepted range, e.g.
//   --scale: "0" is outside [1, 8]
//   --threads: "4x" is not an integer
//   --size: width "4294967312" is outside [16, 16384]
// Thread safe; no locale dependence.
#pragma once

#include <cstdint>
#include <string_view>

#include "kizuna/error.hpp"

namespace kizuna {

// A decimal integer: an optional '-' or '+', then digits only (no spaces, no hex, no exponent).
// Values beyond int64 count as outside the range, never wrapped.
Result<int64_t> parse_integer(std::string_view text, int64_t min, int64_t max,
                              std::string_view name);

// A finite decimal number ("2", "1.5", "-0.25", "3e2"); "nan", "inf", hex forms and trailing
// characters are refused. A value too small for a double (1e-400) or too large (1e400) counts as
// outside the range, as does -0 when min > 0.
Result<double> parse_decimal(std::string_view text, double min, double max, std::string_view name);

// A size in bytes: a decimal number (a fraction is allowed with a suffix) and an optional suffix
// K, M, G or T (powers of 1024; "KB", "KiB", "GB", "GiB" ... mean the same; case-insensitive),
// e.g. "4G", "1.5GiB", "512m", "800000000". The result must be at least 1 MiB (a bare "4" is four
// bytes, so the message suggests a suffix) and below 2^62.
Result<uint64_t> parse_byte_size(std::string_view text, std::string_view name);

// "WIDTHxHEIGHT" (or 'X'), each an integer in [min, max], e.g. "3840x2160".
struct Dimensions {
    int width = 0;
    int height = 0;
};
Result<Dimensions> parse_dimensions(std::string_view text, int min, int max, std::string_view name);

}  // namespace kizuna
