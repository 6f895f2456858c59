// What `kizuna play` shows, composed into one RGBA8 picture at the preview's output size: the
// frame, or the comparison of the shader-only frame with the AI's (a split at a movable
// divider, each half labelled), the overlay (fps, ms per stage, drops, backend) and a message
// line. Drawn with the CLI's own bitmap font. Pure CPU work, no window: `s` saves this picture.
// The text bands are also given apart as small translucent layers (view_layers), which the
// Vulkan display blends on the device with the same integer rule, so both paths show the same
// bytes.
#pragma once

#include <string>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"

namespace kizuna::cli {

struct ViewContent {
    ConstImageView frame;  // the preview's output, RGBA8
    ConstImageView ai;     // the AI's picture of the same frame (same size), or empty
    bool compare = false;  // show the split (needs `ai`)
    double divider = 0.5;  // the split's position, a fraction of the width in [0, 1]
    std::string left_label, right_label;
    std::vector<std::string> overlay;  // lines at the top left; empty: no overlay
    std::string message;               // a line along the bottom; "" none
};

// Text is drawn at this many image pixels per font pixel for a picture `width` wide.
int view_text_scale(int width) noexcept;

// One text band: an RGBA8 picture with straight alpha (translucent black behind opaque white
// text), its top-left corner at (x, y) in the view (x may be negative: clipped).
struct ViewLayer {
    Image pixels;
    int x = 0, y = 0;
};

// Where the comparison splits a view width x height: columns >= split_x show the AI picture; the
// divider is divider_width columns from min(split_x, width - 1). No split: split_x = width.
struct ViewSplit {
    int split_x = 0;
    int divider_width = 0;
};
ViewSplit view_split(const ViewContent& c, int width, int height) noexcept;

// The text bands of `c` for a view width x height, in drawing order: the labels of the
// comparison, the overlay, the message line.
Result<std::vector<ViewLayer>> view_layers(const ViewContent& c, int width, int height);

// Blends `layer` over `img` (source over, bitmap_font's integer rule), clipped.
void blend_layer(ImageView img, const ViewLayer& layer);

// Composes `c` into `canvas`, (re)allocated as RGBA8 of the frame's size when it differs.
Result<void> compose_view(const ViewContent& c, Image& canvas);

}  // namespace kizuna::cli
