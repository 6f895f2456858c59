// Replacing a file atomically: write a temporary file beside it, then rename it over.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

#include "kizuna/error.hpp"

namespace kizuna::media {

// Writes `bytes` to "<dir>/.<name>.kizuna-tmp-XXXXXX" (created exclusively, mode 0666 less the
// umask), flushes it to disk, and renames it to `path`. On any failure the temporary file is
// removed and whatever was at `path` is untouched.
// Errors name `path` and the OS reason (strerror): not_found when the folder does not exist,
// invalid_argument when `path` has no file name, io_error otherwise (no permission, disk full,
// `path` is a directory). Thread safe.
Result<void> write_file_atomically(const std::filesystem::path& path,
                                   std::span<const uint8_t> bytes);

}  // namespace kizuna::media
