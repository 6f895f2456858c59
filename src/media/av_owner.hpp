// Owners of libav objects for code outside the media module: the libav types are only declared
// here, so a holder (the export pipeline) needs no FFmpeg header. Media code that needs the full
// types includes media/av_ptr.hpp as well.
#pragma once

#include <memory>

struct AVPacket;
struct AVFrame;

namespace kizuna::media {

struct OwnedPacketFree {
    void operator()(AVPacket* p) const noexcept;  // av_packet_free
};
struct OwnedFrameFree {
    void operator()(AVFrame* p) const noexcept;  // av_frame_free
};

// A packet of a stream that is copied to the output (or re-encoded there): its data, timestamps
// in the source stream's time base and the source stream's index. Move-only.
using OwnedPacket = std::unique_ptr<AVPacket, OwnedPacketFree>;
// A picture: a decoded frame referenced from the decoder, or a frame in an encoder's pixel
// format. Move-only.
using OwnedFrame = std::unique_ptr<AVFrame, OwnedFrameFree>;

}  // namespace kizuna::media
