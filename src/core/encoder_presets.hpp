// What output.preset and output.crf mean for each video encoder of output.video_codec: one table,
// read by profile validation (so `kizuna profiles check` refuses what an encoder would refuse at
// open) and by the media module (which sets the options it names).
//
// Every encoder takes the ten x264 preset names (ultrafast ... placebo), mapped to its own speed
// setting; libsvtav1, libvpx-vp9 and libaom-av1 also take their own numbers. Thread safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kizuna/error.hpp"

namespace kizuna::core {

// The x264 preset names, fastest first.
extern const std::string_view kNamedPresets[10];

// An encoder's private option, e.g. {"preset", "medium"} or {"cpu-used", "4"}.
using EncoderOption = std::pair<std::string, std::string>;

// The options `preset` stands for with `codec`:
//  - libx264, libx265: a named preset, set as "preset";
//  - libsvtav1: "preset" 0..13 (0 slowest), or a name: ultrafast 13, superfast 12, veryfast 11,
//    faster 10, fast 9, medium 8, slow 6, slower 4, veryslow 2, placebo 0;
//  - libvpx-vp9: "deadline" and "cpu-used"; a number -8..8 is cpu-used with deadline good; names:
//    ultrafast realtime/8, superfast realtime/6, veryfast good/5, faster good/4, fast good/3,
//    medium good/2, slow good/1, slower good/0, veryslow and placebo best/0;
//  - libaom-av1: "cpu-used" 0..8 (0 slowest), or a name: ultrafast and superfast 8, veryfast 7,
//    faster 6, fast 5, medium 4, slow 3, slower 2, veryslow 1, placebo 0;
//  - ffv1 (lossless): a name is accepted and sets nothing.
// Errors (invalid_argument, one line): "output.preset: \"x\" is not a libsvtav1 preset (allowed:
// a number 0 (slowest) to 13, or one of ultrafast, ...)"; "output.video_codec: \"x\" is not a
// supported encoder".
Result<std::vector<EncoderOption>> encoder_preset_options(std::string_view codec,
                                                          std::string_view preset);

// The largest output.crf `codec` takes: 51 for libx264 and libx265, 63 for the others; ffv1 is
// lossless and ignores crf (returns 63 so that every value passes).
int encoder_max_crf(std::string_view codec) noexcept;

// True for encoders without a quality setting (ffv1): crf and bit rates do not apply.
bool encoder_is_lossless(std::string_view codec) noexcept;

}  // namespace kizuna::core
