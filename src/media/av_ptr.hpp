// Owners for libav objects: unique_ptr with deleters that call the matching libav free function.
#pragma once

#include <memory>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

namespace kizuna::media {

struct AvCodecContextFree {
    void operator()(AVCodecContext* p) const noexcept { avcodec_free_context(&p); }
};
struct AvFrameFree {
    void operator()(AVFrame* p) const noexcept { av_frame_free(&p); }
};
struct AvPacketFree {
    void operator()(AVPacket* p) const noexcept { av_packet_free(&p); }
};
struct SwsContextFree {
    void operator()(SwsContext* p) const noexcept { sws_freeContext(p); }
};
// An input opened with avformat_open_input (which owns its AVIOContext unless custom I/O is used;
// custom I/O contexts are owned separately by AvIoContextPtr and must outlive this).
struct AvInputFormatContextFree {
    void operator()(AVFormatContext* p) const noexcept { avformat_close_input(&p); }
};
struct AvIoContextFree {
    void operator()(AVIOContext* p) const noexcept { avio_closep(&p); }
};

using AvCodecContextPtr = std::unique_ptr<AVCodecContext, AvCodecContextFree>;
using AvFramePtr = std::unique_ptr<AVFrame, AvFrameFree>;
using AvPacketPtr = std::unique_ptr<AVPacket, AvPacketFree>;
using SwsContextPtr = std::unique_ptr<SwsContext, SwsContextFree>;
using AvInputPtr = std::unique_ptr<AVFormatContext, AvInputFormatContextFree>;
using AvIoContextPtr = std::unique_ptr<AVIOContext, AvIoContextFree>;

}  // namespace kizuna::media
