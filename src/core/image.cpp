#include "kizuna/image.hpp"

#include <cstring>

#include <fmt/format.h>

#include "core/aligned.hpp"
#include "core/enum_names.hpp"

namespace kizuna {

size_t bytes_per_pixel(PixelFormat format) noexcept {
    return enum_lookup<PixelFormat::rgba32f, size_t>(format, {4, 8, 16}, 0);
}

const char* pixel_format_name(PixelFormat format) noexcept {
    return enum_name<PixelFormat::rgba32f>(format, {"rgba8", "rgba16f", "rgba32f"});
}

void Image::Free::operator()(std::byte* p) const noexcept {
    detail::aligned_free(p);
}

Result<Image> Image::create(int width, int height, PixelFormat format, ColorInfo color) {
    if (width <= 0 || height <= 0 || width > max_side || height > max_side) {
        return make_error(
            Errc::invalid_argument,
            fmt::format("image size {}x{} is outside [1, {}] per side", width, height, max_side));
    }
    const size_t row_bytes = static_cast<size_t>(width) * bytes_per_pixel(format);
    const size_t stride = (row_bytes + detail::buffer_alignment - 1) / detail::buffer_alignment *
                          detail::buffer_alignment;
    const size_t total = stride * static_cast<size_t>(height);
    auto* p = static_cast<std::byte*>(detail::aligned_alloc_bytes(total));
    if (!p) {
        return make_error(Errc::out_of_memory,
                          fmt::format("cannot allocate {}x{} {} image ({} MiB)", width, height,
                                      pixel_format_name(format), total >> 20));
    }
    Image img;
    img.data_.reset(p);
    img.width_ = width;
    img.height_ = height;
    img.stride_ = static_cast<ptrdiff_t>(stride);
    img.format_ = format;
    img.color_ = color;
    return img;
}

Result<Image> Image::clone() const {
    if (empty()) return Image{};
    auto copy = create(width_, height_, format_, color_);
    if (!copy) return std::move(copy).error();
    std::memcpy(copy->data(), data(), static_cast<size_t>(stride_) * height_);
    return copy;
}

}  // namespace kizuna
