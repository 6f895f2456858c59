// Processed RGBA pictures into frames of the video encoder's pixel format (R'G'B' -> Y'CbCr with
// the output's matrix and range, chroma subsampled at the output's siting). RGBA8 into 8-bit
// output goes through rgb8_to_yuv8.hpp (vectorised single precision; swscale where the output
// sites chroma other than "left"); float pictures and outputs deeper than 8 bits through
// rgb_to_yuv.hpp, exact by construction. FFmpeg-free: made by
// VideoSink::make_packer(), used by the export's worker threads, one packer per thread.
#pragma once

#include <memory>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "media/av_owner.hpp"

namespace kizuna::media {

class YuvPacker {
public:
    // width x height: the frames' size. av_pixel_format, av_matrix, av_range, av_chroma_location:
    // FFmpeg's AVPixelFormat, AVColorSpace, AVColorRange and AVChromaLocation code points.
    // Errors: unsupported (swscale cannot convert to that format).
    static Result<YuvPacker> create(int width, int height, int av_pixel_format, int av_matrix,
                                    int av_range, int av_chroma_location);

    YuvPacker() noexcept;
    YuvPacker(YuvPacker&&) noexcept;
    YuvPacker& operator=(YuvPacker&&) noexcept;
    ~YuvPacker();

    // A frame of this packer's format and size with its own buffers (the slots of the queue
    // between processing and the encoder). Errors: out_of_memory.
    Result<OwnedFrame> make_frame() const;

    // Converts `rgba` (RGBA8, or RGBA16F / RGBA32F with values in [0, 1]; full-range, gamma-encoded
    // R'G'B'; alpha ignored; exactly the packer's size) into `frame`, a frame from make_frame().
    // When the encoder still holds a reference to the frame's buffers they are replaced first
    // (av_frame_make_writable), so a frame handed to the encoder may be reused at once.
    // Allocates nothing in steady state. Not thread safe: one packer per thread.
    Result<void> pack(ConstImageView rgba, AVFrame& frame);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kizuna::media
