#include "media/media_input.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "media/av_error.hpp"

namespace kizuna::media {

namespace fs = std::filesystem;

Result<void> check_input_file(const fs::path& path) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (st.type() == fs::file_type::not_found) {
        return make_error(Errc::not_found, fmt::format("{}: no such file", path.string()));
    }
    if (ec) {
        return make_error(Errc::io_error, fmt::format("{}: {}", path.string(), ec.message()));
    }
    if (st.type() == fs::file_type::directory) {
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: is a directory, not a file", path.string()));
    }
    if (st.type() == fs::file_type::regular) {
        const auto size = fs::file_size(path, ec);
        if (!ec && size == 0) {
            return make_error(Errc::corrupt_data,
                              fmt::format("{}: empty file (0 bytes)", path.string()));
        }
    }
    return {};
}

Result<MediaInput> MediaInput::open(const fs::path& path, Probe probe, const char* what) {
    KZ_TRY(check_input_file(path));
    // "file:" keeps a ':' in the name from being read as a protocol.
    const std::string url = "file:" + path.string();
    MediaInput in;
    int err = 0;
    AVFormatContext* fmt = avformat_alloc_context();
    if (!fmt) return make_error(Errc::out_of_memory, path.string() + ": out of memory");
    if (probe == Probe::content) {
        AVIOContext* io = nullptr;
        err = avio_open2(&io, url.c_str(), AVIO_FLAG_READ, nullptr, nullptr);
        if (err < 0) {
            avformat_free_context(fmt);
            return av_error(path, "cannot open", err);
        }
        in.io_.reset(io);
        fmt->pb = io;
        fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
    }
    // An empty name makes the probe look at content only. On failure fmt is freed.
    err = avformat_open_input(&fmt, probe == Probe::content ? "" : url.c_str(), nullptr, nullptr);
    if (err == AVERROR_INVALIDDATA) {
        return make_error(Errc::unsupported,
                          fmt::format("{}: not a recognised {} format", path.string(), what));
    }
    if (err < 0) return av_error(path, "cannot open", err);
    in.format_.reset(fmt);
    return in;
}

}  // namespace kizuna::media
