// One decoded picture of the video being exported, as the decoder thread hands it to processing.
// FFmpeg-free: the planes of a picture kept as Y'CbCr are owned through an OwnedFrame.
#pragma once

#include <cstdint>

#include "kizuna/image.hpp"
#include "kizuna/yuv.hpp"
#include "media/av_owner.hpp"

namespace kizuna::media {

// Either `rgba` holds the picture (RGBA8 for sources of <= 8 bits per channel, RGBA32F in [0, 1]
// for deeper ones, colour metadata in rgba.color()), or `yuv` views the decoder's own planes
// (planar 8- or 10-bit 4:2:0 / 4:2:2 / 4:4:4, colour metadata in yuv.color), which `planes` keeps
// alive. Move-only; the buffers are reused from picture to picture.
struct DecodedPicture {
    int64_t index = 0;     // 0, 1, 2, ... in presentation order
    int64_t pts = 0;       // presentation time in the source stream's time base
    int64_t duration = 0;  // in the same unit; 0 = unknown
    Image rgba;
    YuvView yuv;
    OwnedFrame planes;

    bool is_yuv() const noexcept { return !yuv.empty(); }
    int width() const noexcept { return is_yuv() ? yuv.width : rgba.width(); }
    int height() const noexcept { return is_yuv() ? yuv.height : rgba.height(); }
    const ColorInfo& color() const noexcept { return is_yuv() ? yuv.color : rgba.color(); }
    // Drops the reference to the decoder's planes (the RGBA buffer is kept for reuse).
    void release_planes() noexcept {
        yuv = {};
        planes.reset();
    }
};

}  // namespace kizuna::media
