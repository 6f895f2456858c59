// write_image: validate, encode in memory, then replace the file atomically.
#include <fmt/format.h>

#include "kizuna/media.hpp"
#include "media/atomic_file.hpp"
#include "media/image_encoder.hpp"

namespace kizuna {

Result<void> write_image(const std::filesystem::path& path, ConstImageView image,
                         const ImageWriteOptions& opts) {
    auto format = media::image_format_from_path(path);
    if (!format) return std::move(format).error();
    if (image.empty() || !image.data || image.width > Image::max_side ||
        image.height > Image::max_side ||
        image.stride < static_cast<ptrdiff_t>(image.width * bytes_per_pixel(image.format))) {
        return make_error(
            Errc::invalid_argument,
            fmt::format("{}: cannot write an image of {}x{} pixels with a {}-byte stride",
                        path.string(), image.width, image.height, image.stride));
    }
    if (opts.bit_depth != 8 && opts.bit_depth != 16) {
        return make_error(Errc::invalid_argument, fmt::format("{}: bit depth {} is not 8 or 16",
                                                              path.string(), opts.bit_depth));
    }
    if (opts.quality < 1 || opts.quality > 100) {
        return make_error(Errc::invalid_argument, fmt::format("{}: quality {} is outside [1, 100]",
                                                              path.string(), opts.quality));
    }
    auto bytes = media::encode_image(*format, image, opts, path);
    if (!bytes) return std::move(bytes).error();
    return media::write_file_atomically(path, *bytes);
}

}  // namespace kizuna
