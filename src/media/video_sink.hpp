// The output of a video export: a container with the re-encoded video stream and every other
// stream of the input copied packet for packet (or, for audio with --audio-codec, re-encoded),
// with the input's global and per-stream metadata, dispositions and chapters.
//
// Threads: write_video() is called by one thread (the encoder thread), write_packet() by another
// (the demuxer thread); they share the muxer under a lock. finish() is called once, when both
// have stopped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kizuna/error.hpp"
#include "media/av_owner.hpp"
#include "media/video_encoder.hpp"
#include "media/video_source.hpp"
#include "media/yuv_packer.hpp"

namespace kizuna::media {

struct SinkOptions {
    std::filesystem::path path;   // the file written (the export's temporary file)
    std::filesystem::path shown;  // the destination named in messages
    std::string container;        // FFmpeg muxer: "matroska", "mp4", "webm" or "mov"
    int width = 0;                // output picture size
    int height = 0;
    VideoEncoderSettings video;
    std::string audio_codec;  // empty: audio is copied; else every audio stream is re-encoded
    int64_t audio_bitrate = 0;
};

// What happens to one stream of the input.
struct SinkStream {
    enum class Action { encode, copy, transcode, drop };
    int input_index = -1;
    int output_index = -1;  // -1 when dropped
    Action action = Action::copy;
    std::string description;     // SourceStream::describe()
    std::string detail;          // e.g. "re-encoded to aac", or why it is dropped
    int64_t packets = 0;         // packets written (video: frames given to the encoder)
    size_t extradata_bytes = 0;  // attachments: the size of the attached file
};

class VideoSink {
public:
    // Without opening anything: checks that `container` holds every stream of `source` (the
    // video as the encoder makes it, each other stream as copied or re-encoded), and the encoder
    // settings. A stream it cannot hold is an error naming the stream and the container and
    // suggesting MKV (or --audio-codec for audio); a data stream it cannot hold is dropped and
    // listed in `notices` instead.
    static Result<void> check(const VideoSource& source, const SinkOptions& options,
                              std::vector<std::string>* notices);

    // check(), then creates the output streams, opens the encoders and the file, and writes the
    // header. The output's colour follows export_output_color().
    static Result<VideoSink> open(const VideoSource& source, const SinkOptions& options);

    VideoSink() noexcept;
    VideoSink(VideoSink&&) noexcept;
    VideoSink& operator=(VideoSink&&) noexcept;
    VideoSink(const VideoSink&) = delete;
    VideoSink& operator=(const VideoSink&) = delete;
    ~VideoSink();

    // A converter from processed RGBA pictures into this encoder's frames (one per thread).
    Result<YuvPacker> make_packer() const;
    // e.g. "libx264 (crf 20, preset veryfast), yuv420p, 640x480; bt709 matrix, tv range, ..."
    std::string describe_video() const;

    // Encodes one picture (a frame of make_packer()). pts and duration in the source video
    // stream's time base; pictures come in presentation order.
    Result<void> write_video(AVFrame& frame, int64_t pts, int64_t duration);
    // Copies (or re-encodes) a packet of another stream of the source; a packet of a dropped
    // stream is discarded. Thread safe with write_video().
    Result<void> write_packet(OwnedPacket packet);
    // Drains the encoders, writes the trailer and closes the file.
    Result<void> finish();

    // Every stream of the input, in input order, with the packets written so far.
    std::vector<SinkStream> streams() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kizuna::media
