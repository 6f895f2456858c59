#include "media/av_owner.hpp"

#include "media/av_ptr.hpp"

namespace kizuna::media {

void OwnedPacketFree::operator()(AVPacket* p) const noexcept {
    av_packet_free(&p);
}

void OwnedFrameFree::operator()(AVFrame* p) const noexcept {
    av_frame_free(&p);
}

}  // namespace kizuna::media
