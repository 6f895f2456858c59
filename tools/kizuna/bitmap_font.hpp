// A small built-in bitmap font for labels drawn into pictures (`kizuna compare`, overlays): one
// glyph per printable ASCII character (32..126), 5 x 9 font pixels in a 6 x 10 cell: capitals and
// digits stand 7 pixels tall on rows 0-6, descenders (g j p q y , ;) use rows 7-8. Every length
// below is in image pixels at the given scale (an integer in [1, 256] that multiplies each font
// pixel).
// Stateless and thread safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kizuna/image.hpp"

namespace kizuna::cli {

struct Rgba8 {
    uint8_t r = 0, g = 0, b = 0, a = 255;
};

struct BitmapFont {
    static constexpr int glyph_width = 5;   // font pixels
    static constexpr int glyph_height = 9;  // font pixels, descenders included
    static constexpr int advance = 6;       // font pixels from one character to the next
    static constexpr int line_height = 10;  // font pixels from one line to the next
};

// The rows of the glyph drawn for `c`, top first; bit 4 is the leftmost column. Characters
// outside 32..126 get the glyph of '?'.
std::span<const uint8_t, BitmapFont::glyph_height> glyph_rows(char c) noexcept;

// Width of `text` on one line: advance * scale per character, less the blank column after the
// last one; 0 for empty text.
int text_width(std::string_view text, int scale) noexcept;

// Splits `text` into lines no wider than max_width (text_width), breaking at spaces; a word too
// long for a line is cut. At least one line (possibly empty); every line fits when max_width
// holds one character, otherwise each holds one character.
std::vector<std::string> wrap_text(std::string_view text, int max_width, int scale);

// Draws one line of `text` with its top-left corner at (x, y), each font pixel a scale x scale
// square of `colour` composited over the picture (source over; colour.a 255 replaces). Whatever
// falls outside the image is clipped. Only RGBA8 images are drawn into; other formats, a scale
// outside [1, 256] and empty text leave the image unchanged.
void draw_text(ImageView image, int x, int y, std::string_view text, int scale, Rgba8 colour);

// Composites `colour` over the rectangle [x, x + width) x [y, y + height), clipped to the image
// (a translucent band behind a label). RGBA8 only, as draw_text.
void fill_rect(ImageView image, int x, int y, int width, int height, Rgba8 colour);

}  // namespace kizuna::cli
