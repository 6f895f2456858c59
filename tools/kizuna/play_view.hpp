// What `kizuna play` shows, composed into one RGBA8 picture at the preview's output size: the
// frame, or the comparison of the shader-only frame with the AI's (a split at a movable
// divider, each half labelled), the overlay (fps, ms per stage, drops, backend) and a message
// line. Drawn with the CLI's own bitmap font. Pure CPU work, no window: `s` saves this picture.
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

// Composes `c` into `canvas`, (re)allocated as RGBA8 of the frame's size when it differs.
Result<void> compose_view(const ViewContent& c, Image& canvas);

}  // namespace kizuna::cli
