// What an output path names, from its form: a video file (by extension), an image sequence (a
// printf-style number in the name), or a single image.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "kizuna/error.hpp"

namespace kizuna::media {

struct OutputTarget {
    enum class Form { video, sequence, image, unknown };
    Form form = Form::unknown;
    std::string container;  // video: FFmpeg's muxer ("matroska", "mp4", "webm", "mov")
};

// .mkv -> matroska, .mp4 / .m4v -> mp4, .webm -> webm, .mov -> mov (case-insensitive); a file
// name with one "%d" or "%0Nd" (N 1 to 9; "%%" is a literal '%') and an image extension (.png,
// .jpg, .jpeg, .tif, .tiff, .webp) -> sequence; an image extension alone -> image.
OutputTarget classify_output(const std::filesystem::path& path);

// The file name of picture `number` of a sequence: the pattern's number field filled in
// ("frames/%06d.png", 7 -> "frames/000007.png"). Errors (invalid_argument, naming the pattern):
// not exactly one number field, a '%' that starts no field.
Result<std::filesystem::path> sequence_file_name(const std::filesystem::path& pattern,
                                                 int64_t number);

}  // namespace kizuna::media
