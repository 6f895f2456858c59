// The state behind kizuna::VideoReader, shared by its reading (video_reader.cpp) and seeking
// (video_reader_seek.cpp) halves.
#pragma once

#include <deque>
#include <filesystem>

#include "kizuna/media.hpp"
#include "media/av_ptr.hpp"
#include "media/decoding_stream.hpp"
#include "media/frame_convert.hpp"

namespace kizuna {

// A decoded picture held back by a seek, with its presentation time (time_base units).
struct HeldFrame {
    media::AvFramePtr frame;
    int64_t pts = 0;
};

struct VideoReader::Impl : media::DecodingStream {
    std::filesystem::path path;
    media::FrameConverter converter{/*still=*/false};
    AVRational time_base{0, 1};
    AVRational frame_rate{0, 1};
    int64_t start_pts = 0;  // the stream's start time (0 when the container does not say)
    VideoInfo info;
    int64_t next_index = 0;
    int64_t last_pts = AV_NOPTS_VALUE;
    bool draining = false;  // the demuxer is at its end and the decoder has been flushed
    bool finished = false;  // the decoder returned its last frame
    // Pictures a seek decoded ahead, returned by read_frame before anything new is decoded.
    std::deque<HeldFrame> held;

    // Presentation time of the current frame; estimated from the previous one (or the index and
    // the frame rate) when the stream has none.
    int64_t frame_pts() const;

    // Decodes the next picture into `frame` (unconverted), its presentation time into `pts`;
    // false at the end of the stream.
    Result<bool> decode_next(int64_t& pts);
};

}  // namespace kizuna
