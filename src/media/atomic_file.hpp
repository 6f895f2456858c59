// Replacing a file atomically: write a temporary file beside it, then rename it over.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

#include "kizuna/error.hpp"

namespace kizuna::media {

// Writes `bytes` to the file that `path` names and replaces it atomically, as
// kizuna/output_file.hpp describes: a symbolic link is written through (its final target is
// replaced, the link stays), an existing file keeps its permission bits (and owner and group where
// allowed), a new one gets 0666 less the umask.
// The data goes to "<folder>/.<name>.kizuna-tmp-XXXXXX" in the target's folder (<name> shortened
// when needed so the temporary name fits the folder's NAME_MAX), created exclusively and
// registered for removal by the signal handler (kizuna/temp_files.hpp) before it exists; it is
// flushed to disk and renamed over the target. On any failure the temporary file is removed and
// whatever was at the target is untouched.
// Errors name `path` and the OS reason (strerror): not_found when the folder does not exist,
// invalid_argument when `path` has no file name or names something other than a regular file,
// io_error otherwise (no permission, disk full). Thread safe.
Result<void> write_file_atomically(const std::filesystem::path& path,
                                   std::span<const uint8_t> bytes);

}  // namespace kizuna::media
