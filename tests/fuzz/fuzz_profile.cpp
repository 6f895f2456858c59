// libFuzzer target for profiles: the JSON parser and validator, serialisation (whatever parses
// must serialise and parse back to an equal profile, with no control byte a terminal would act
// on), and the one-line error messages once escaped for the terminal.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kizuna/profile.hpp"
#include "kizuna/text.hpp"

using namespace kizuna;

namespace {

void check_message(const Error& e) {
    const std::string safe = escape_for_terminal(e.message);
    for (unsigned char c : safe) {
        if (c < 0x20 || c == 0x7f) std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto profile = parse_profile(text, "fuzz.json");
    if (!profile) {
        check_message(profile.error());
        return 0;
    }
    if (!validate_profile(*profile)) std::abort();  // parse_profile validates
    const std::string json = profile_to_json(*profile);
    for (unsigned char c : json) {
        if ((c < 0x20 && c != '\n') || c == 0x7f) std::abort();
    }
    auto again = parse_profile(json, "fuzz.json");
    if (!again || !(*again == *profile)) std::abort();
    return 0;
}
