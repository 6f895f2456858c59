#include "media/media_input.hpp"

#include <algorithm>
#include <cctype>
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

namespace {

// Still-image formats without a signature, which FFmpeg recognises by the file name only.
bool recognised_by_name_only(const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".tga";
}

}  // namespace

Result<MediaInput> MediaInput::open_by_name(const fs::path& path, const std::string& url) {
    AVFormatContext* fmt = nullptr;
    AVDictionary* opts = nullptr;
    // A single file: '%' in the name is not a sequence pattern.
    av_dict_set(&opts, "pattern_type", "none", 0);
    const int err = avformat_open_input(&fmt, url.c_str(), av_find_input_format("image2"), &opts);
    av_dict_free(&opts);
    if (err < 0) return av_error(path, "cannot open", err);
    MediaInput in;
    in.format_.reset(fmt);
    return in;
}

Result<MediaInput> MediaInput::open(const fs::path& path, Probe probe, const char* what) {
    KZ_TRY(check_input_file(path));
    // "file:" keeps a ':' in the name from being read as a protocol.
    const std::string url = "file:" + path.string();
    if (probe == Probe::content && recognised_by_name_only(path)) return open_by_name(path, url);
    const auto unrecognised = [&] {
        return make_error(Errc::unsupported,
                          fmt::format("{}: not a recognised {} format", path.string(), what));
    };
    MediaInput in;
    const AVInputFormat* format = nullptr;
    if (probe == Probe::content) {
        AVIOContext* io = nullptr;
        int err = avio_open2(&io, url.c_str(), AVIO_FLAG_READ, nullptr, nullptr);
        if (err < 0) return av_error(path, "cannot open", err);
        in.io_.reset(io);
        // An empty name makes the probe look at the content only. A weak match (some demuxers
        // claim almost any bytes with a score of 1) is not a recognised format.
        const int score = av_probe_input_buffer2(io, &format, "", nullptr, 0, 0);
        if (score == AVERROR_INVALIDDATA || (score >= 0 && score < AVPROBE_SCORE_RETRY)) {
            return unrecognised();
        }
        if (score < 0) return av_error(path, "cannot read", score);
    }
    AVFormatContext* fmt = avformat_alloc_context();
    if (!fmt) return make_error(Errc::out_of_memory, path.string() + ": out of memory");
    if (in.io_) {
        fmt->pb = in.io_.get();
        fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
    }
    // On failure fmt is freed.
    const int err = avformat_open_input(&fmt, in.io_ ? "" : url.c_str(), format, nullptr);
    if (err == AVERROR_INVALIDDATA && !in.io_) return unrecognised();
    if (err < 0) return av_error(path, "cannot open", err);
    in.format_.reset(fmt);
    return in;
}

}  // namespace kizuna::media
