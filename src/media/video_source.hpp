// The input of an export: the demuxer of the whole file, the decoder of its video stream, and
// every packet of the other streams handed out for copying.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/media.hpp"
#include "media/av_owner.hpp"
#include "media/decoded_picture.hpp"

struct AVFormatContext;

namespace kizuna::media {

// A stream of the input, as messages name it.
struct SourceStream {
    int index = -1;
    std::string kind;               // "video", "audio", "subtitle", "attachment", "data"
    std::string codec;              // e.g. "opus", "subrip", "ttf"
    std::string language;           // metadata "language"; may be empty
    std::string title;              // metadata "title", for attachments "filename"; may be empty
    bool attached_picture = false;  // a video stream holding cover art
    // e.g. "stream #2 (audio, opus, jpn, \"Commentary\")"
    std::string describe() const;
};

class VideoSource {
public:
    struct Options {
        int decoder_threads = 0;  // 0 = FFmpeg's choice
        // Hand planar 8/10-bit 4:2:0 / 4:2:2 / 4:4:4 pictures over as Y'CbCr (DecodedPicture::yuv)
        // instead of converting them to RGBA; other formats are converted either way.
        bool keep_yuv = false;
        // Read only the video stream; packets of the others are skipped unread.
        bool video_only = false;
    };

    // Opens the file and the decoder of its best video stream. Errors as VideoReader::open, with
    // FFmpeg's reason when it logged one.
    static Result<VideoSource> open(const std::filesystem::path& path, const Options& options);

    VideoSource() noexcept;
    VideoSource(VideoSource&&) noexcept;
    VideoSource& operator=(VideoSource&&) noexcept;
    VideoSource(const VideoSource&) = delete;
    VideoSource& operator=(const VideoSource&) = delete;
    ~VideoSource();

    const std::filesystem::path& path() const noexcept;
    const VideoInfo& info() const noexcept;
    int video_stream() const noexcept;
    // Every stream of the input, by index.
    const std::vector<SourceStream>& streams() const noexcept;
    // The demuxer, for the output to copy stream parameters, metadata and chapters from. Owned
    // by this object.
    AVFormatContext* format_context() const noexcept;

    enum class Got { picture, packet, end };
    // Reads on to the next decoded picture of the video stream (into `picture`: its RGBA buffer
    // is reused when the size and format match) or the next packet of another stream (into
    // `packet`, its stream_index the input's). `end` once the demuxer and the decoder are both
    // drained; it stays `end`. Errors: corrupt_data "<path>: cannot decode <codec> frame <n> (at
    // <t> s): <reason>" (n = pictures returned before it), io_error for read failures.
    // Not thread safe: one thread reads.
    Result<Got> read(DecodedPicture& picture, OwnedPacket& packet);

    int64_t pictures_read() const noexcept;
    // Seconds up to which the file was read (the largest packet end time of any stream), and the
    // end the container declares (start + duration; 0 when it declares none).
    double read_end_s() const noexcept;
    double declared_end_s() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kizuna::media
