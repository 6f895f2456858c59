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

// A translucent band with lines of text, its top-left corner at (x, y).
Result<ViewLayer> band(int x, int y, const std::vector<std::string>& lines, int scale) {
    const int pad = 2 * scale;
    const int line_h = BitmapFont::line_height * scale;
    int w = 0;
    for (const std::string& l : lines) w = std::max(w, text_width(l, scale));
    const int h = 2 * pad + static_cast<int>(lines.size()) * line_h - scale;
    auto img = Image::create(w + 2 * pad, h, PixelFormat::rgba8);
    if (!img) return std::move(img).error();
    ImageView v = img->view();
    for (int r = 0; r < v.height; ++r) std::memset(v.row(r), 0, static_cast<size_t>(v.width) * 4);
    fill_rect(v, 0, 0, v.width, v.height, kBand);
    for (size_t i = 0; i < lines.size(); ++i) {
        draw_text(v, pad, pad + static_cast<int>(i) * line_h, lines[i], scale, kText);
    }
    return ViewLayer{std::move(*img), x, y};
}

bool shows_split(const ViewContent& c, int width, int height) {
    return c.compare && !c.ai.empty() && c.ai.width == width && c.ai.height == height &&
           c.ai.format == PixelFormat::rgba8;
}

}  // namespace

int view_text_scale(int width) noexcept {
    return std::clamp(width / 640, 1, 4);
}

ViewSplit view_split(const ViewContent& c, int width, int height) noexcept {
    if (!shows_split(c, width, height)) return {width, 0};
    return {static_cast<int>(std::lround(std::clamp(c.divider, 0.0, 1.0) * width)),
            view_text_scale(width)};
}

Result<std::vector<ViewLayer>> view_layers(const ViewContent& c, int width, int height) {
    std::vector<ViewLayer> out;
    const int scale = view_text_scale(width);
    int top = 0;
    if (shows_split(c, width, height)) {
        auto left = band(0, 0, {c.left_label}, scale);
        if (!left) return std::move(left).error();
        top = left->pixels.height();
        out.push_back(std::move(*left));
        const int rw = text_width(c.right_label, scale) + 4 * scale;
        auto right = band(width - rw, 0, {c.right_label}, scale);
        if (!right) return std::move(right).error();
        out.push_back(std::move(*right));
    }
    if (!c.overlay.empty()) {
        auto o = band(0, top, c.overlay, scale);
        if (!o) return std::move(o).error();
        out.push_back(std::move(*o));
    }
    if (!c.message.empty()) {
        const int h = 4 * scale + BitmapFont::line_height * scale - scale;
        auto m = band(0, height - h, {c.message}, scale);
        if (!m) return std::move(m).error();
        out.push_back(std::move(*m));
    }
    return out;
}

void blend_layer(ImageView img, const ViewLayer& layer) {
    const ConstImageView l = layer.pixels.view();
    for (int y = std::max(0, -layer.y); y < l.height && layer.y + y < img.height; ++y) {
        const auto* src = reinterpret_cast<const uint8_t*>(l.row(y));
        auto* dst = reinterpret_cast<uint8_t*>(img.row(layer.y + y));
        for (int x = std::max(0, -layer.x); x < l.width && layer.x + x < img.width; ++x) {
            const uint8_t* s = src + 4 * x;
            uint8_t* d = dst + 4 * (layer.x + x);
            const unsigned a = s[3];
            if (a == 0) continue;
            for (int ch = 0; ch < 3; ++ch) {
                d[ch] = static_cast<uint8_t>((s[ch] * a + d[ch] * (255u - a) + 127u) / 255u);
            }
            d[3] = static_cast<uint8_t>(a + (d[3] * (255u - a) + 127u) / 255u);
        }
    }
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
    const ViewSplit split = view_split(c, f.width, f.height);
    const int split_x = split.split_x;
    for (int y = 0; y < f.height; ++y) {
        std::memcpy(out.row(y), f.row(y), static_cast<size_t>(split_x) * 4);
        if (split_x < f.width) {
            std::memcpy(out.row(y) + split_x * 4, c.ai.row(y) + split_x * 4,
                        static_cast<size_t>(f.width - split_x) * 4);
        }
    }
    if (split.divider_width > 0) {
        // The divider: one line, two pixels wide at larger sizes, on the AI side of the split.
        fill_rect(out, std::min(split_x, f.width - 1), 0, split.divider_width, f.height, kDivider);
    }
    auto layers = view_layers(c, f.width, f.height);
    if (!layers) return std::move(layers).error();
    for (const ViewLayer& l : *layers) blend_layer(out, l);
    return {};
}

}  // namespace kizuna::cli
