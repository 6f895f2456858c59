// What a video stream is (kizuna::VideoInfo) from its demuxer and decoder, shared by VideoReader
// and the export's VideoSource.
#pragma once

#include "kizuna/media.hpp"
#include "media/av_ptr.hpp"

namespace kizuna::media {

// Size, rates, duration, frame count (the container's, else duration x frame rate), codec,
// coded pixel format and signalled colour of `stream` of `format`, decoded by `decoder`.
VideoInfo video_info_of(const AVFormatContext& format, const AVStream& stream,
                        const AVCodecContext& decoder);

// The stream's average frame rate, else its real base frame rate, else 0/1.
AVRational stream_frame_rate(const AVStream& stream);

}  // namespace kizuna::media
