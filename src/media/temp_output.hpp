// A file written under a temporary name in its destination's folder and renamed into place when
// complete, as kizuna/output_file.hpp describes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

#include "kizuna/error.hpp"
#include "kizuna/temp_files.hpp"

namespace kizuna::media {

// Move-only. Until commit() or commit_as() succeeds, the destructor removes the temporary file,
// and the signal handler of kizuna/temp_files.hpp removes it if the process is killed. Not thread
// safe.
class TempOutput {
public:
    // Creates "<folder>/.<name>.kizuna-tmp-XXXXXX" exclusively in the folder of the file `path`
    // names (a symbolic link is followed to its final target, which is what commit() replaces),
    // registered for signal cleanup before it exists, and opens it for writing. An existing
    // target's permission bits (and owner and group where allowed) are given to the new file
    // before any data goes in; a new file gets 0666 less the umask.
    // Errors name `path`: not_found (the folder does not exist), invalid_argument (no file name, a
    // destination that is not a regular file), io_error (no permission, disk full...).
    static Result<TempOutput> create(const std::filesystem::path& path);

    TempOutput() = default;
    TempOutput(TempOutput&& other) noexcept;
    TempOutput& operator=(TempOutput&& other) noexcept;
    TempOutput(const TempOutput&) = delete;
    TempOutput& operator=(const TempOutput&) = delete;
    ~TempOutput();

    // The temporary file (empty once committed or discarded).
    const std::filesystem::path& temp_path() const noexcept { return temp_; }
    // The file commit() replaces: `path` with its links resolved.
    const std::filesystem::path& target() const noexcept { return target_; }

    // Writes all of `bytes` at the current position of the open file.
    Result<void> write(std::span<const uint8_t> bytes);
    // Flushes the file to disk and closes it (it may then be reopened by name, e.g. by a muxer).
    Result<void> close();
    // Flushes a file that was written through its name (after close()) to disk.
    Result<void> sync();

    // Renames the temporary file over target(). After success the object holds nothing.
    Result<void> commit();
    // Renames it over `destination` instead (e.g. the ".partial" name of an interrupted export).
    Result<void> commit_as(const std::filesystem::path& destination);
    // Removes the temporary file now (idempotent).
    void discard() noexcept;

private:
    Result<void> rename_to(const std::filesystem::path& destination,
                           const std::filesystem::path& shown);

    int fd_ = -1;
    std::filesystem::path temp_;    // empty once renamed or removed
    std::filesystem::path target_;  // resolved destination
    std::filesystem::path shown_;   // `path` as given, for messages
    TempFileRegistration reg_;
};

}  // namespace kizuna::media
