// Images: owning, 64-byte aligned RGBA buffers with colour metadata, and non-owning views.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "kizuna/error.hpp"

namespace kizuna {

enum class PixelFormat : uint8_t {
    rgba8,    // 4 x uint8, value / 255
    rgba16f,  // 4 x IEEE binary16 (stored as uint16_t)
    rgba32f,  // 4 x float
};

// Bytes per pixel of a format (4, 8 or 16).
size_t bytes_per_pixel(PixelFormat format) noexcept;
const char* pixel_format_name(PixelFormat format) noexcept;

// Colour metadata carried with every image. Values follow the ITU-T H.273 code points.
enum class ColorMatrix : uint8_t {
    rgb = 0,
    bt709 = 1,
    unspecified = 2,
    bt470bg = 5,
    bt601 = 6,
    bt2020_ncl = 9
};
enum class ColorRange : uint8_t { unspecified = 0, limited = 1, full = 2 };
enum class ColorTransfer : uint8_t {
    bt709 = 1,
    unspecified = 2,
    srgb = 13,
    linear = 8,
    pq = 16,
    hlg = 18
};
enum class ColorPrimaries : uint8_t {
    bt709 = 1,
    unspecified = 2,
    bt601_625 = 5,
    bt601_525 = 6,
    bt2020 = 9
};
enum class ChromaLocation : uint8_t { unspecified = 0, left = 1, center = 2, top_left = 3 };

struct ColorInfo {
    // The matrix and range the pixels were decoded from. RGBA pixels are always full-range RGB;
    // these record where they came from so an encoder can go back.
    ColorMatrix matrix = ColorMatrix::unspecified;
    ColorRange range = ColorRange::unspecified;
    ColorTransfer transfer = ColorTransfer::srgb;
    ColorPrimaries primaries = ColorPrimaries::bt709;
    ChromaLocation chroma_location = ChromaLocation::unspecified;

    bool operator==(const ColorInfo&) const = default;
};

// A non-owning view of RGBA pixels. Byte is std::byte or const std::byte. stride is in bytes
// and may be larger than width * bytes_per_pixel(format). Views are cheap to copy.
template <class Byte>
struct BasicImageView {
    Byte* data = nullptr;
    int width = 0;
    int height = 0;
    ptrdiff_t stride = 0;
    PixelFormat format = PixelFormat::rgba8;

    Byte* row(int y) const { return data + y * stride; }
    template <class T>
    T* row_as(int y) const {
        return reinterpret_cast<T*>(row(y));
    }
    bool empty() const { return width <= 0 || height <= 0; }
    operator BasicImageView<const std::byte>() const {  // NOLINT
        return {data, width, height, stride, format};
    }
};
using ImageView = BasicImageView<std::byte>;
using ConstImageView = BasicImageView<const std::byte>;

// An owning image. Move-only. Rows are 64-byte aligned; the stride is a multiple of 64 bytes.
class Image {
public:
    // Largest accepted side, in pixels (16K video is 15360 wide).
    static constexpr int max_side = 32768;

    // Allocates an uninitialised image. Fails for non-positive or too large sizes, or when
    // memory runs out.
    static Result<Image> create(int width, int height, PixelFormat format, ColorInfo color = {});

    Image() = default;
    Image(Image&&) noexcept = default;
    Image& operator=(Image&&) noexcept = default;
    Image(const Image&) = delete;
    Image& operator=(const Image&) = delete;

    int width() const noexcept { return width_; }
    int height() const noexcept { return height_; }
    PixelFormat format() const noexcept { return format_; }
    ptrdiff_t stride() const noexcept { return stride_; }
    const ColorInfo& color() const noexcept { return color_; }
    void set_color(const ColorInfo& color) noexcept { color_ = color; }
    bool empty() const noexcept { return !data_; }

    std::byte* data() noexcept { return data_.get(); }
    const std::byte* data() const noexcept { return data_.get(); }
    ImageView view() noexcept { return {data(), width_, height_, stride_, format_}; }
    ConstImageView view() const noexcept { return {data(), width_, height_, stride_, format_}; }

    // A deep copy (fails only when memory runs out).
    Result<Image> clone() const;

private:
    struct Free {
        void operator()(std::byte* p) const noexcept;
    };
    std::unique_ptr<std::byte, Free> data_;
    int width_ = 0;
    int height_ = 0;
    ptrdiff_t stride_ = 0;
    PixelFormat format_ = PixelFormat::rgba8;
    ColorInfo color_;
};

// True when some pixel of `image` is not fully opaque: its alpha, rounded to 16 bits
// (round(a * 65535), RGBA8: a == 255 is opaque), is below the maximum; NaN alpha counts as 0.
// This is the rule by which the image writers decide to store alpha. An empty image: false.
bool has_transparency(ConstImageView image) noexcept;

}  // namespace kizuna
