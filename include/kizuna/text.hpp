// Text that came from a file (a profile, media metadata, a model) made safe to print.
#pragma once

#include <string>
#include <string_view>

namespace kizuna {

// `text` with everything a terminal could act on replaced by a visible escape, so that no byte
// from a file can move the cursor, change colours, ring the bell, set the window title, end a
// line or reorder what is shown:
//  - C0 controls and DEL: "\t", "\n", "\r" for those three, "\xNN" (two lower-case hex digits)
//    for the others, e.g. ESC -> "\x1b", NUL -> "\x00", BEL -> "\x07";
//  - C1 controls (U+0080..U+009F), line and paragraph separators (U+2028, U+2029) and the
//    bidirectional embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069):
//    "\u{XXXX}" with the code point in hex, e.g. "\u{9b}", "\u{202e}";
//  - a byte that is not part of well-formed UTF-8 (stray continuation bytes, overlong forms,
//    surrogates, truncated sequences): "\xNN".
// Everything else passes unchanged: printable ASCII (the backslash included) and well-formed
// UTF-8 text such as "ゆるキャン△". The result is well-formed UTF-8 with no byte below 0x20 and
// no 0x7f. Thread safe; never throws except std::bad_alloc.
std::string escape_for_terminal(std::string_view text);

}  // namespace kizuna
