// Checks on a file a command is about to write, made before any work so that a long job never
// fails at its end for a reason known at its start, and never writes over one of its inputs.
//
// How outputs are written (media's writers, and any writer of this library): the data goes to a
// temporary file in the destination folder, which is then renamed over the destination.
//  - A destination that is a symbolic link is written through: the file the link points to (at
//    the end of a chain of links; a dangling link's target is created) is replaced and the link
//    itself stays. This is what `cp` and shell redirection do, and what a user who made the link
//    expects; replacing the link by a regular file would silently detach it.
//  - An existing destination keeps its permission bits (and its owner and group where the process
//    may set them); a new file gets 0666 less the umask.
//  - A destination with other hard links is replaced under this name only: the other names keep
//    the old content.
// An existing destination that is not a regular file (a device, a FIFO, a socket) is refused.
#pragma once

#include <filesystem>
#include <span>

#include "kizuna/error.hpp"

namespace kizuna {

// The file that writing to `path` replaces: `path` itself, or, when it is a symbolic link, the
// path its chain of links finally names (which need not exist). Relative link targets are taken
// relative to the link's folder. Errors: invalid_argument after 40 links (a loop), io_error when a
// link cannot be read.
Result<std::filesystem::path> resolve_output_target(const std::filesystem::path& path);

// Checks, in this order, without changing any existing file:
//  - `path` names a file: it has a file name and the target (resolve_output_target) is not a
//    folder, and, if it exists, is a regular file;
//  - the target's name fits its folder's file name limit (NAME_MAX, from pathconf) and the path
//    of the temporary file written beside it fits PATH_MAX;
//  - the target's folder exists and a new file can be created in it (a probe file is created and
//    removed: permission bits alone say nothing for root, a read-only mount or /proc);
//  - the target is none of `inputs`: not the same file by name, through a symbolic link, or
//    through a hard link (same device and inode).
// Errors (one line naming `path` as given): invalid_argument (not a file name, a folder, not a
// regular file, name too long, one of the inputs), not_found (the folder does not exist),
// io_error (the folder is not writable). Thread safe.
Result<void> check_output_file(const std::filesystem::path& path,
                               std::span<const std::filesystem::path> inputs = {});

}  // namespace kizuna
