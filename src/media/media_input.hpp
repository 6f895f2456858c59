// An opened input file (demuxer plus, for content-probed stills, its own I/O context).
#pragma once

#include <filesystem>
#include <string>

#include "kizuna/error.hpp"
#include "media/av_ptr.hpp"

namespace kizuna::media {

// Checks that `path` names an existing, non-empty regular file, with one-line errors:
// "<path>: no such file" (not_found), "<path>: is a directory, not a file" (invalid_argument),
// "<path>: empty file (0 bytes)" (corrupt_data), or the OS reason (io_error).
Result<void> check_input_file(const std::filesystem::path& path);

class MediaInput {
public:
    enum class Probe {
        // The format from the bytes only (a '%' in the name is never a sequence pattern);
        // weak matches count as unrecognised. TGA, which has no signature, goes by extension.
        content,
        name_and_content,  // let FFmpeg use the name too (containers such as .mp4)
    };

    // Runs check_input_file, then opens the demuxer. A format FFmpeg does not recognise gives
    // unsupported ("<path>: not a recognised <what> format").
    static Result<MediaInput> open(const std::filesystem::path& path, Probe probe,
                                   const char* what);

    AVFormatContext* get() const noexcept { return format_.get(); }

private:
    // The image2 demuxer for formats with no signature (TGA), chosen by extension.
    static Result<MediaInput> open_by_name(const std::filesystem::path& path,
                                           const std::string& url);

    // Declared before format_ so it is destroyed after it.
    AvIoContextPtr io_;
    AvInputPtr format_;
};

}  // namespace kizuna::media
