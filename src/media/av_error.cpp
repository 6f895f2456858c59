#include "media/av_error.hpp"

#include <cerrno>

#include <fmt/format.h>

extern "C" {
#include <libavutil/error.h>
}

namespace kizuna::media {

std::string av_error_text(int averror) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    if (av_strerror(averror, buf, sizeof buf) < 0) {
        return fmt::format("unknown libav error {}", averror);
    }
    return buf;
}

Errc av_error_code(int averror) {
    switch (averror) {
        case AVERROR(ENOENT):
            return Errc::not_found;
        case AVERROR(ENOMEM):
            return Errc::out_of_memory;
        case AVERROR(EINVAL):
            return Errc::invalid_argument;
        case AVERROR(ENOSYS):
        case AVERROR_PATCHWELCOME:
        case AVERROR_DECODER_NOT_FOUND:
        case AVERROR_DEMUXER_NOT_FOUND:
        case AVERROR_ENCODER_NOT_FOUND:
        case AVERROR_MUXER_NOT_FOUND:
        case AVERROR_PROTOCOL_NOT_FOUND:
        case AVERROR_OPTION_NOT_FOUND:
        case AVERROR_STREAM_NOT_FOUND:
            return Errc::unsupported;
        case AVERROR_INVALIDDATA:
        case AVERROR_EOF:
            return Errc::corrupt_data;
        case AVERROR_BUG:
        case AVERROR_BUG2:
            return Errc::internal;
        default:
            return Errc::io_error;
    }
}

Error av_error(const std::filesystem::path& path, std::string_view what, int averror) {
    return av_error(av_error_code(averror), path, what, averror);
}

Error av_error(Errc code, const std::filesystem::path& path, std::string_view what, int averror) {
    return make_error(code, fmt::format("{}: {}: {}", path.string(), what, av_error_text(averror)));
}

}  // namespace kizuna::media
