// What an output image format can hold, and the checks before an image is written.
#include "kizuna/media.hpp"
#include "kizuna/output_file.hpp"
#include "media/image_encoder.hpp"

namespace kizuna {

Result<ImageFormatCapabilities> image_output_capabilities(const std::filesystem::path& path) {
    auto format = media::image_format_from_path(path);
    if (!format) return std::move(format).error();
    switch (*format) {
        case media::ImageFileFormat::png:
        case media::ImageFileFormat::tiff:
            return ImageFormatCapabilities{.alpha = true, .max_bit_depth = 16};
        case media::ImageFileFormat::webp:
            return ImageFormatCapabilities{.alpha = true, .max_bit_depth = 8};
        case media::ImageFileFormat::jpeg:
            return ImageFormatCapabilities{.alpha = false, .max_bit_depth = 8};
    }
    return make_error(Errc::internal, path.string() + ": unhandled image format");
}

Result<void> check_image_output(const std::filesystem::path& path,
                                std::span<const std::filesystem::path> inputs) {
    KZ_TRY(media::image_format_from_path(path));
    return check_output_file(path, inputs);
}

}  // namespace kizuna
