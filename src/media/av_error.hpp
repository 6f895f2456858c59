// Turning libav status codes (always AVERROR values, never a bare -1) into kizuna errors.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "kizuna/error.hpp"

namespace kizuna::media {

// av_strerror's text for an AVERROR code, e.g. "Invalid data found when processing input".
std::string av_error_text(int averror);

// The Errc that best describes an AVERROR code: ENOENT -> not_found, ENOMEM -> out_of_memory,
// INVALIDDATA and an unexpected EOF -> corrupt_data, *_NOT_FOUND (decoder, demuxer...), ENOSYS
// and PATCHWELCOME -> unsupported, EINVAL -> invalid_argument, BUG -> internal, else io_error.
Errc av_error_code(int averror);

// "<path>: <what>: <av_strerror text>" with the code from av_error_code.
Error av_error(const std::filesystem::path& path, std::string_view what, int averror);

// Same, with an explicit code.
Error av_error(Errc code, const std::filesystem::path& path, std::string_view what, int averror);

}  // namespace kizuna::media
