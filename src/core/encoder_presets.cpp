#include "core/encoder_presets.hpp"

#include <charconv>

#include <fmt/format.h>

#include "core/profile_schema.hpp"

namespace kizuna::core {

const std::string_view kNamedPresets[10] = {"ultrafast", "superfast", "veryfast", "faster",
                                            "fast",      "medium",    "slow",     "slower",
                                            "veryslow",  "placebo"};

namespace {

// Index of a named preset, or -1.
int named_index(std::string_view preset) {
    for (int i = 0; i < 10; ++i) {
        if (kNamedPresets[i] == preset) return i;
    }
    return -1;
}

// A decimal integer in [lo, hi] (whole text), or nothing.
bool parse_in(std::string_view text, int lo, int hi, int& out) {
    if (text.empty()) return false;
    const char* first = text.data();
    if (*first == '+') ++first;
    const char* last = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(first, last, out);
    return ec == std::errc() && ptr == last && out >= lo && out <= hi;
}

Error bad_preset(std::string_view codec, std::string_view preset, std::string_view numbers) {
    std::string message =
        fmt::format("output.preset: \"{}\" is not a {} preset (allowed: {}{})", preset, codec,
                    numbers.empty() ? std::string() : fmt::format("{}, or one of ", numbers),
                    profile_detail::join_list(kNamedPresets));
    const std::string_view near = profile_detail::nearest_match(preset, kNamedPresets);
    if (!near.empty()) message += fmt::format(" (did you mean \"{}\"?)", near);
    return make_error(Errc::invalid_argument, std::move(message));
}

// The encoder's one numbered option: from the table by the name's index `named` (>= 0), else
// the preset text as a number inside the option's range.
struct NumberedOption {
    int min, max;
    const char* name;
};
Result<std::vector<EncoderOption>> numbered_preset(std::string_view codec, std::string_view preset,
                                                   int named, const int (&by_name)[10],
                                                   NumberedOption option, const char* expected) {
    int number = 0;
    if (named >= 0) {
        number = by_name[named];
    } else if (!parse_in(preset, option.min, option.max, number)) {
        return bad_preset(codec, preset, expected);
    }
    return std::vector<EncoderOption>{{option.name, std::to_string(number)}};
}

}  // namespace

Result<std::vector<EncoderOption>> encoder_preset_options(std::string_view codec,
                                                          std::string_view preset) {
    const int named = named_index(preset);
    int number = 0;
    if (codec == "libx264" || codec == "libx265") {
        if (named < 0) return bad_preset(codec, preset, "");
        return std::vector<EncoderOption>{{"preset", std::string(preset)}};
    }
    if (codec == "libsvtav1") {
        static constexpr int kSvt[10] = {13, 12, 11, 10, 9, 8, 6, 4, 2, 0};
        return numbered_preset(codec, preset, named, kSvt, {0, 13, "preset"},
                               "a number 0 (slowest) to 13");
    }
    if (codec == "libvpx-vp9") {
        static constexpr const char* kDeadline[10] = {
            "realtime", "realtime", "good", "good", "good", "good", "good", "good", "best", "best"};
        static constexpr int kCpuUsed[10] = {8, 6, 5, 4, 3, 2, 1, 0, 0, 0};
        if (named >= 0) {
            return std::vector<EncoderOption>{{"deadline", kDeadline[named]},
                                              {"cpu-used", std::to_string(kCpuUsed[named])}};
        }
        if (!parse_in(preset, -8, 8, number)) {
            return bad_preset(codec, preset, "a cpu-used number -8 to 8 (0 slowest)");
        }
        return std::vector<EncoderOption>{{"deadline", "good"},
                                          {"cpu-used", std::to_string(number)}};
    }
    if (codec == "libaom-av1") {
        static constexpr int kCpuUsed[10] = {8, 8, 7, 6, 5, 4, 3, 2, 1, 0};
        return numbered_preset(codec, preset, named, kCpuUsed, {0, 8, "cpu-used"},
                               "a cpu-used number 0 (slowest) to 8");
    }
    if (codec == "ffv1") {
        if (named < 0) return bad_preset(codec, preset, "");
        return std::vector<EncoderOption>{};
    }
    return make_error(Errc::invalid_argument,
                      fmt::format("output.video_codec: \"{}\" is not a supported encoder", codec));
}

int encoder_max_crf(std::string_view codec) noexcept {
    return codec == "libx264" || codec == "libx265" ? 51 : 63;
}

bool encoder_is_lossless(std::string_view codec) noexcept {
    return codec == "ffv1";
}

}  // namespace kizuna::core
