// Media I/O: still images to and from `Image`, and decoded video frames. Backed by FFmpeg's
// libav* libraries, none of whose types appear here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "kizuna/log.hpp"

namespace kizuna {

// Reads the first picture of a still-image file (PNG, JPEG, WebP, TIFF, BMP, GIF, TGA and the
// other still formats FFmpeg decodes). The format is recognised from the content, not the name
// (a '%' in the name is just a character), except TGA, which has no signature, by its extension.
//  - Sources of <= 8 bits per channel give RGBA8; deeper sources give RGBA32F with values in
//    [0, 1] (16-bit values are exact: v / 65535).
//  - A missing alpha channel becomes fully opaque (255 or 1.0). Gray and palette expand to RGB.
//  - YUV sources are converted with the frame's own matrix and range (unspecified matrix: BT.709
//    above 576 lines, BT.601 up to 576, as stage 1 decides; unspecified range: limited, except
//    JPEG which is full);
//    the result's ColorInfo records the matrix and range used and the transfer, primaries and
//    chroma siting from the file. RGB sources get matrix rgb, range full.
// Errors (one line naming the file): not_found (no such file), invalid_argument (a directory),
// corrupt_data (empty, truncated or undecodable), unsupported (not a recognised image format,
// no decoder), io_error (read failure), out_of_memory.
// Thread safe: concurrent calls share nothing.
Result<Image> read_image(const std::filesystem::path& path);

// What a still image is, as its decoder knows it from the header, before any pixel is decoded.
struct ImageHeader {
    int width = 0;
    int height = 0;
    int bits_per_channel = 8;  // deepest component of the coded format (1 for bilevel PNG)
    bool alpha = false;        // the coded format has an alpha channel, or is a palette (which may)
    std::string codec;         // decoder name, e.g. "png"
    std::string pixel_format;  // FFmpeg's name of the coded format, e.g. "rgba64be"
    uint64_t decoded_bytes = 0;  // one decoded picture in the coded format, as FFmpeg allocates
    uint64_t file_bytes = 0;     // size of the file (the demuxer holds its packets in memory)
};

struct ImageReadOptions {
    // A picture of more pixels is refused by the decoder itself (FFmpeg's max_pixels), before it
    // allocates: the last line of defence for callers that set no `admit`. The default is FFmpeg's
    // own size limit (about 16384 x 16384); it must be in [1, 2^31).
    static constexpr int64_t default_max_pixels = int64_t{1} << 28;
    int64_t max_pixels = default_max_pixels;
    // Called once the decoder has read the header and before it allocates the picture, on the
    // calling thread. An error it returns ends the read with that error (nothing large has been
    // allocated); a caller checks its memory budget here. May be empty.
    std::function<Result<void>(const ImageHeader&)> admit;
};

// What read_image learnt beyond the pixels.
struct ImageReadInfo {
    ImageHeader header;
    // The file holds more pictures than the one returned: an animation (GIF, APNG) or a video.
    bool more_frames = false;
    int64_t frame_count = 0;  // pictures in the file when the container says; 0 = unknown
};

// read_image with options; fills `info` (when not null) on success. Errors as read_image, plus
// whatever `admit` returns. A decoding failure names FFmpeg's own reason when it logged one (see
// route_ffmpeg_log_to_kizuna), e.g. "a.webp: cannot decode webp image: Invalid data found when
// processing input (skipping unsupported chunk: ANIM; ...; image data not found)".
Result<Image> read_image(const std::filesystem::path& path, const ImageReadOptions& options,
                         ImageReadInfo* info = nullptr);

// What an output image format can hold, from the extension of `path` (as write_image chooses the
// format): alpha (PNG, TIFF, WebP: yes; JPEG: no) and the deepest bit depth (PNG, TIFF: 16; JPEG,
// WebP: 8). Errors: unsupported (the extension names no format write_image writes).
struct ImageFormatCapabilities {
    bool alpha = false;
    int max_bit_depth = 8;
};
Result<ImageFormatCapabilities> image_output_capabilities(const std::filesystem::path& path);

// check_output_file (kizuna/output_file.hpp) for an image write_image would write: first the
// format (the extension), then the location, the name length and that it is none of `inputs`.
Result<void> check_image_output(const std::filesystem::path& path,
                                std::span<const std::filesystem::path> inputs = {});

struct ImageWriteOptions {
    // Bits per channel for PNG and TIFF: 8 or 16. JPEG and WebP are always 8-bit.
    int bit_depth = 8;
    // JPEG and lossy WebP quality, 1 (smallest) to 100 (best).
    int quality = 90;
    // WebP only: lossless encoding (quality then sets the compression effort). Colours under
    // fully transparent pixels may still change; everything visible and all alpha is exact.
    bool lossless = false;
    // JPEG only: store chroma at half resolution (4:2:0) instead of full (4:4:4).
    bool jpeg_chroma_subsampling = true;
};

// Writes an image. The format comes from the extension, case-insensitive: .png, .jpg/.jpeg,
// .tif/.tiff, .webp; anything else is `unsupported`. Pixels are taken as full-range, gamma-encoded
// RGBA in [0, 1] (floats are clamped, NaN becomes 0). PNG, TIFF and WebP keep alpha when any pixel
// is not opaque; JPEG drops it. JPEG is stored as BT.601 full-range YCbCr (standard JFIF).
// The file is encoded in memory, written to a temporary file in the destination folder
// (".<name>.kizuna-tmp-XXXXXX") and renamed over the destination on success. On any failure the
// temporary file is removed and an existing file at `path` is left untouched.
// Errors: invalid_argument (empty image, bad options), unsupported (extension, encoder missing),
// not_found (folder does not exist), io_error (folder not writable, disk full: names path and
// strerror). Thread safe.
Result<void> write_image(const std::filesystem::path& path, ConstImageView image,
                         const ImageWriteOptions& opts = {});

// A rational number, e.g. a frame rate of 24000/1001 or a time base of 1/90000. 0/1 = unknown.
struct Rational {
    int num = 0;
    int den = 1;
    double to_double() const noexcept { return den ? static_cast<double>(num) / den : 0.0; }
};

struct VideoInfo {
    int width = 0;
    int height = 0;
    Rational frame_rate;      // average frame rate of the stream (0/1 if unknown)
    Rational time_base;       // unit of VideoFrameInfo::pts
    double duration_s = 0.0;  // stream (or container) duration in seconds; 0 if unknown
    int64_t frame_count = 0;  // container's frame count, else duration * frame rate; 0 if unknown
    std::string codec_name;   // decoder name, e.g. "h264"
    std::string pixel_format_name;  // FFmpeg's name of the coded format, e.g. "yuv420p10le"
    int bits_per_channel = 8;       // deepest component of the coded format
    ColorInfo color;                // as signalled by the stream (unspecified where it is not)
};

struct VideoFrameInfo {
    int64_t pts = 0;     // presentation time in time_base units (best effort)
    double pts_s = 0.0;  // the same in seconds
    int64_t index = 0;   // 0 for the first frame returned, then 1, 2, ...
};

// Decodes the best video stream of a file frame by frame, in presentation order.
// Move-only. Not thread safe: one thread uses a reader at a time.
class VideoReader {
public:
    // Opens the file, finds its video stream and opens a decoder. Errors as for read_image.
    static Result<VideoReader> open(const std::filesystem::path& path);

    VideoReader() noexcept;
    VideoReader(VideoReader&&) noexcept;
    VideoReader& operator=(VideoReader&&) noexcept;
    VideoReader(const VideoReader&) = delete;
    VideoReader& operator=(const VideoReader&) = delete;
    ~VideoReader();

    // Stream properties. A default-constructed or moved-from reader returns zeros.
    const VideoInfo& info() const noexcept;

    // Decodes the next frame into `out`: RGBA8 for sources of <= 8 bits, RGBA32F in [0, 1] for
    // deeper ones, converted with the frame's own matrix and range (defaults as read_image).
    // `out` is reused when its size and format already match, so steady-state decoding allocates
    // nothing here. Returns true with a frame, false at the end of the stream (then `out` and
    // `frame` are unchanged), or an error (corrupt_data for undecodable data, io_error for read
    // failures). Calling again after the end keeps returning false.
    Result<bool> read_frame(Image& out, VideoFrameInfo& frame);

    // Positions the reader so that the next read_frame returns the picture shown at `pts_s`
    // (seconds on the timeline of VideoFrameInfo::pts_s): the last picture that starts at or
    // before it, or the first picture when the time is before it, or the last when past the end.
    // Decodes from the key frame before the time, so it takes up to one GOP of decoding. After a
    // seek, VideoFrameInfo::index is estimated from the time and the frame rate. Errors:
    // invalid_argument (not a finite time), unsupported (the stream has no time base), the
    // demuxer's seek failure (io_error), and decoding errors as read_frame.
    Result<void> seek(double pts_s);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

struct AudioInfo {
    int source_sample_rate = 0;  // Hz, as coded
    int source_channels = 0;
    std::string codec_name;   // decoder name, e.g. "opus"
    double duration_s = 0.0;  // stream (or container) duration; 0 if unknown
};

// Decodes the best audio stream of a file to interleaved 32-bit float samples at a rate and
// channel count the caller chooses (a player's audio device), resampled and remixed with
// libswresample. Move-only. Not thread safe: one thread uses a reader at a time.
class AudioReader {
public:
    // sample_rate in [8000, 384000] Hz, channels in [1, 8] (FFmpeg's default layout for that
    // count). Errors: as VideoReader::open for the file; not_found when the file has no audio
    // stream ("<path>: no audio stream"); invalid_argument for a rate or count out of range.
    static Result<AudioReader> open(const std::filesystem::path& path, int sample_rate,
                                    int channels);

    AudioReader() noexcept;
    AudioReader(AudioReader&&) noexcept;
    AudioReader& operator=(AudioReader&&) noexcept;
    AudioReader(const AudioReader&) = delete;
    AudioReader& operator=(const AudioReader&) = delete;
    ~AudioReader();

    const AudioInfo& info() const noexcept;
    int sample_rate() const noexcept;  // of the samples read
    int channels() const noexcept;

    // The next decoded chunk: `samples` is replaced by frames x channels interleaved floats
    // (nominally in [-1, 1]); `start_s` gets the time of its first sample on the timeline of
    // VideoFrameInfo::pts_s. Returns true with a chunk (possibly empty), false at the end of the
    // stream. `samples` keeps its capacity, so steady-state reading allocates rarely. Errors:
    // corrupt_data (undecodable), io_error.
    Result<bool> read(std::vector<float>& samples, double& start_s);

    // Positions the reader so that the next read starts at `pts_s` (earlier samples of the
    // decoded packet are dropped). Errors as VideoReader::seek.
    Result<void> seek(double pts_s);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Whether a file is a still image or a video, from its content: a file that FFmpeg reads with
// one of its image demuxers (PNG, JPEG, TIFF, WebP, BMP, ... one picture) is a still; anything
// else with a video stream (MKV, MP4, WebM, MOV, AVI, GIF, APNG, ...) is a video. Errors as
// VideoReader::open; a file with no video stream at all is unsupported.
enum class MediaKind { still, video };
Result<MediaKind> probe_media_kind(const std::filesystem::path& path);

// The picture shown at `at_s` seconds of the video (presentation time, as a player counts it
// from the stream's first picture): the last picture that starts at or before it. Converted as
// VideoReader::read_frame converts. `frame` (when not null) gets its timestamps. Errors as
// VideoReader, and invalid_argument when at_s is negative or past the last picture (the message
// gives the video's length).
Result<Image> read_video_frame(const std::filesystem::path& path, double at_s,
                               VideoFrameInfo* frame = nullptr);

// Routes FFmpeg's log (av_log) into kizuna::log: messages are assembled into whole lines per
// thread, prefixed as FFmpeg prefixes them ("[png @ 0x...] "), and mapped to levels (panic, fatal,
// error -> error; warning -> warn; info -> info; verbose, debug -> debug; trace -> trace), then
// capped at `ceiling`. FFmpeg's messages are details of failures that KizunaSR reports itself
// through Result, so a host that wants one clean line per failure passes LogLevel::debug (the CLI
// does, unless --verbose). FFmpeg's own level is set from kizuna's log_level() at the time of the
// call, so call it after set_log_level(). Idempotent and thread safe; stays in effect for the life
// of the process.
void route_ffmpeg_log_to_kizuna(LogLevel ceiling = LogLevel::error);

}  // namespace kizuna
