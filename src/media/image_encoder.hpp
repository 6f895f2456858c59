// Encoding one RGBA image into the bytes of a still-image file, in memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "kizuna/media.hpp"

namespace kizuna::media {

enum class ImageFileFormat { png, jpeg, tiff, webp };

// The format named by the extension of `path` (case-insensitive: png, jpg, jpeg, jfif, tif, tiff,
// webp), or unsupported naming the extension.
Result<ImageFileFormat> image_format_from_path(const std::filesystem::path& path);

// The complete file content. `image` must be non-empty; opts must be valid (checked by the
// caller). `path` only names the file in errors.
Result<std::vector<uint8_t>> encode_image(ImageFileFormat format, ConstImageView image,
                                          const ImageWriteOptions& opts,
                                          const std::filesystem::path& path);

}  // namespace kizuna::media
