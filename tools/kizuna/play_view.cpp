#include "play_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "bitmap_font.hpp"

namespace kizuna::cli {

namespace {

constexpr Rgba8 kBand{0, 0, 0, 160};
constexpr Rgba8 kText{255, 255, 255, 255};
constexpr Rgba8 kDivider{255, 255, 255, 255};

// A translucent band with lines of text, its top-left corner at (x, y); returns its height.
int draw_band(ImageView img, int x, int y, const std::vector<std::string>& lines, int scale) {
    if (lines.empty()) return 0;
    const int pad = 2 * scale;
    const int line_h = BitmapFont::line_height * scale;
    int w = 0;
    for (const std::string& l : lines) w = std::max(w, text_width(l, scale));
    const int h = 2 * pad + static_cast<int>(lines.size()) * line_h - scale;
    fill_rect(img, x, y, w + 2 * pad, h, kBand);
    for (size_t i = 0; i < lines.size(); ++i) {
        draw_text(img, x + pad, y + pad + static_cast<int>(i) * line_h, lines[i], scale, kText);
    }
    return h;
}

}  // namespace

int view_text_scale(int width) noexcept {
    return std::clamp(width / 640, 1, 4);
}

Result<void> compose_view(const ViewContent& c, Image& canvas) {
    const ConstImageView f = c.frame;
    if (f.empty() || f.format != PixelFormat::rgba8) {
        return make_error(Errc::internal, "compose_view: the frame must be RGBA8");
    }
    if (canvas.width() != f.width || canvas.height() != f.height ||
        canvas.format() != PixelFormat::rgba8) {
        auto img = Image::create(f.width, f.height, PixelFormat::rgba8);
        if (!img) return std::move(img).error();
        canvas = std::move(*img);
    }
    ImageView out = canvas.view();
    const bool split = c.compare && !c.ai.empty() && c.ai.width == f.width &&
                       c.ai.height == f.height && c.ai.format == PixelFormat::rgba8;
    const int split_x =
        split ? static_cast<int>(std::lround(std::clamp(c.divider, 0.0, 1.0) * f.width)) : f.width;
    for (int y = 0; y < f.height; ++y) {
        std::memcpy(out.row(y), f.row(y), static_cast<size_t>(split_x) * 4);
        if (split_x < f.width) {
            std::memcpy(out.row(y) + split_x * 4, c.ai.row(y) + split_x * 4,
                        static_cast<size_t>(f.width - split_x) * 4);
        }
    }
    const int scale = view_text_scale(f.width);
    int top = 0;
    if (split) {
        // The divider: one line, two pixels wide at larger sizes, on the AI side of the split.
        fill_rect(out, std::min(split_x, f.width - 1), 0, scale, f.height, kDivider);
        const int lh = draw_band(out, 0, 0, {c.left_label}, scale);
        const int rw = text_width(c.right_label, scale) + 4 * scale;
        draw_band(out, f.width - rw, 0, {c.right_label}, scale);
        top = lh;
    }
    draw_band(out, 0, top, c.overlay, scale);
    if (!c.message.empty()) {
        const int h = 4 * scale + BitmapFont::line_height * scale - scale;
        draw_band(out, 0, f.height - h, {c.message}, scale);
    }
    return {};
}

}  // namespace kizuna::cli
