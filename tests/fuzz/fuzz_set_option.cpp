// libFuzzer target for what users type: `--set KEY=VALUE` overrides (apply_override on a
// built-in profile, then validation) and the strict number parsers of the command-line options
// (integers, decimals, byte sizes, WIDTHxHEIGHT). Invariants: a value that is accepted is inside
// its range; a refusal leaves the profile unchanged; every message is one line once escaped.
//
// Input: the first byte picks the parser, the rest is the text.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kizuna/parse_number.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/text.hpp"

using namespace kizuna;

namespace {

void check_message(const Error& e) {
    if (e.code != Errc::invalid_argument && e.code != Errc::internal) std::abort();
    for (unsigned char c : escape_for_terminal(e.message)) {
        if (c < 0x20 || c == 0x7f) std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] % 5) {
        case 0: {
            static const Profile base = *builtin_profile("balanced");
            Profile p = base;
            auto r = apply_override(p, text);
            if (!r) {
                check_message(r.error());
                if (!(p == base)) std::abort();  // unchanged on error
                return 0;
            }
            if (auto v = validate_profile(p, "--set"); !v) check_message(v.error());
            return 0;
        }
        case 1: {
            auto r = parse_integer(text, -1000, 1000, "--n");
            if (r && (*r < -1000 || *r > 1000)) std::abort();
            if (!r) check_message(r.error());
            return 0;
        }
        case 2: {
            auto r = parse_decimal(text, 1, 8, "--scale");
            if (r && !(std::isfinite(*r) && *r >= 1 && *r <= 8)) std::abort();
            if (!r) check_message(r.error());
            return 0;
        }
        case 3: {
            auto r = parse_byte_size(text, "--memory");
            if (r && (*r < (uint64_t{1} << 20) || *r >= (uint64_t{1} << 62))) std::abort();
            if (!r) check_message(r.error());
            return 0;
        }
        default: {
            auto r = parse_dimensions(text, 16, 16384, "--size");
            if (r && (r->width < 16 || r->width > 16384 || r->height < 16 || r->height > 16384)) {
                std::abort();
            }
            if (!r) check_message(r.error());
            return 0;
        }
    }
}
