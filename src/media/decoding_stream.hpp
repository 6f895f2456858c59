// The opening steps every reader of a video or audio stream takes: the demuxer, its stream
// information (with the decoders it opens limited to the default picture size), the best stream
// of one kind, its decoder, and the packet and frame that decoding reuses. VideoReader,
// VideoSource and AudioReader keep their state in a DecodingStream.
#pragma once

#include <filesystem>

#include "kizuna/error.hpp"
#include "media/av_ptr.hpp"
#include "media/media_input.hpp"

namespace kizuna::media {

struct DecodingStream {
    MediaInput input;
    AvCodecContextPtr decoder;
    AvPacketPtr packet;
    AvFramePtr frame;
    int stream = -1;  // index of the decoded stream in input

    AVFormatContext* format() const noexcept { return input.get(); }
    const AVStream& av_stream() const noexcept { return *input.get()->streams[stream]; }
};

struct DecodingStreamOptions {
    bool audio = false;          // the best audio stream, else the best video stream
    int decoder_threads = 1;     // 0 = as many as FFmpeg chooses
    bool discard_others = true;  // the demuxer drops the other streams' packets
};

// The seek time's checks shared by the readers: `pts_s` must be a finite time and the stream
// must have a time base (else unsupported, naming `path`). Returns the time base in seconds.
Result<double> seek_time_base(double pts_s, AVRational time_base,
                              const std::filesystem::path& path);

// Opens `path` and the decoder of its best stream of the kind asked for. Errors name the file:
// those of MediaInput::open and open_decoder, "cannot read stream information", "no video
// stream in this <format> file" (unsupported) or "no audio stream" (not_found).
Result<DecodingStream> open_decoding_stream(const std::filesystem::path& path,
                                            const DecodingStreamOptions& options);

}  // namespace kizuna::media
